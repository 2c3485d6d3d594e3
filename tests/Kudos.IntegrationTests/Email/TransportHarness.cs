using Kudos.Grains.Email;
using Kudos.Silo.Email;
using Kudos.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using MimeKit;
using MimeKit.Utils;
using Xunit;

namespace Kudos.IntegrationTests.Email;

/// <summary>Builds the silo's SMTP transport against a test server, and messages to send through it.</summary>
internal static class TransportHarness
{
    public static readonly DateTimeOffset Epoch = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static SmtpOptions Options(int smtpPort, Action<SmtpOptions>? configure = null)
    {
        var options = new SmtpOptions { Host = "127.0.0.1", Port = smtpPort, Security = SmtpSecurity.None, Timeout = TimeSpan.FromSeconds(10) };
        configure?.Invoke(options);
        return options;
    }

    public static SmtpEmailTransport Create(SmtpTestServer server, Action<SmtpOptions>? configure = null, DkimOptions? dkim = null, TimeProvider? time = null)
        => Create(Options(server.SmtpPort, configure), dkim, time);

    public static SmtpEmailTransport Create(SmtpOptions options, DkimOptions? dkim = null, TimeProvider? time = null)
    {
        var validator = new EmailTransportOptionsValidator();
        var check = validator.Validate(null, options);
        if (check.Failed)
        {
            throw new InvalidOperationException(check.FailureMessage);
        }

        return new SmtpEmailTransport(
            Microsoft.Extensions.Options.Options.Create(options),
            Microsoft.Extensions.Options.Options.Create(dkim ?? new DkimOptions()),
            time ?? TimeProvider.System,
            NullLogger<SmtpEmailTransport>.Instance);
    }

    public static OutgoingEmail NewEmail(string to, string subject = "Your kudos board", int priority = 5, DateTimeOffset? enqueuedAt = null)
        => new($"test/{subject}", Message(to, subject), priority, enqueuedAt ?? Epoch);

    public static MimeMessage Message(string to, string subject)
    {
        var message = new MimeMessage { Subject = subject, MessageId = MimeUtils.GenerateMessageId("kudos.test") };
        message.From.Add(new MailboxAddress("Kudos", "kudos@kudos.test"));
        message.To.Add(MailboxAddress.Parse(to));
        message.Body = new BodyBuilder
        {
            TextBody = $"{subject}\nOpen your board: https://kudos.test/b/1 — with thanks.",
            HtmlBody = $"<p>{subject}</p><p>Open <a href=\"https://kudos.test/b/1\">your board</a> — with thanks.</p>",
        }.ToMessageBody();
        return message;
    }
}

/// <summary>One SMTP test server per test (a fresh process: no state shared between tests).</summary>
public abstract class SmtpServerTest : IAsyncLifetime
{
    private SmtpTestServer? _server;

    protected SmtpTestServer Server => _server ?? throw new InvalidOperationException("server not started");

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _server = await SmtpTestServer.StartAsync(Ct);

    public virtual async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }
}

/// <summary>A clock the test moves by hand: timestamps and timers advance only in <see cref="Advance"/>.</summary>
internal sealed class ManualTimeProvider : TimeProvider
{
    private readonly Lock _lock = new();
    private readonly List<ManualTimer> _timers = [];
    private long _ticks;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp()
    {
        lock (_lock)
        {
            return _ticks;
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new ManualTimer(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    /// <summary>Moves the clock and runs, on this thread, every timer callback that fell due.</summary>
    public void Advance(TimeSpan by)
    {
        long target;
        lock (_lock)
        {
            target = _ticks + by.Ticks;
        }

        while (true)
        {
            ManualTimer? due;
            lock (_lock)
            {
                due = _timers.Where(t => t.DueAt <= target).MinBy(t => t.DueAt);
                if (due is null)
                {
                    _ticks = target;
                    return;
                }

                _ticks = Math.Max(_ticks, due.DueAt);
                due.DueAt = due.Period > 0 ? _ticks + due.Period : long.MaxValue;
            }

            due.Fire();
        }
    }

    private sealed class ManualTimer(ManualTimeProvider owner, TimerCallback callback, object? state) : ITimer
    {
        public long DueAt { get; set; } = long.MaxValue;

        public long Period { get; private set; }

        public void Fire() => callback(state);

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            lock (owner._lock)
            {
                owner._timers.Remove(this);
                Period = period == Timeout.InfiniteTimeSpan ? 0 : period.Ticks;
                if (dueTime != Timeout.InfiniteTimeSpan)
                {
                    DueAt = owner._ticks + dueTime.Ticks;
                    owner._timers.Add(this);
                }
            }

            return true;
        }

        public void Dispose()
        {
            lock (owner._lock)
            {
                owner._timers.Remove(this);
            }
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
