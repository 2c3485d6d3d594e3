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
            Microsoft.Extensions.Options.Options.Create(new EmailOptions { From = "Kudos <kudos@kudos.test>" }),
            time ?? TimeProvider.System,
            NullLogger<SmtpEmailTransport>.Instance);
    }

    public static OutgoingEmail NewEmail(
        string to, string subject = "Your kudos board", int priority = 5, DateTimeOffset? enqueuedAt = null, IReadOnlyList<EmailHeader>? headers = null)
        => new($"test/{subject}", Message(to, subject, priority, headers), MimeUtils.GenerateMessageId("kudos.test"), enqueuedAt ?? Epoch);

    public static EmailMessage Message(string to, string subject, int priority = 5, IReadOnlyList<EmailHeader>? headers = null) => new(
        [new Mailbox("", to)],
        subject,
        $"<p>{subject}</p><p>Open <a href=\"https://kudos.test/b/1\">your board</a> — with thanks.</p>",
        $"{subject}\nOpen your board: https://kudos.test/b/1 — with thanks.",
        EmailTypes.Delivery,
        CorrelationId: null,
        Headers: headers,
        Priority: priority);

    /// <summary>The MIME form of <see cref="Message"/>, for sending with MailKit directly.</summary>
    public static MimeMessage Mime(string to, string subject) =>
        MimeMessageFactory.Build(NewEmail(to, subject), new MailboxAddress("Kudos", "kudos@kudos.test"), TimeProvider.System);
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
