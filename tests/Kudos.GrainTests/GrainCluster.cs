using System.Collections.Concurrent;
using System.Threading.Channels;
using Kudos.Grains.Email;
using Kudos.Silo.Email;
using Kudos.Silo.Hosting;
using Kudos.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.TestingHost;
using Xunit;

namespace Kudos.GrainTests;

/// <summary>
/// One in-process silo (Microsoft.Orleans.TestingHost) with the silo's own grain services and SMTP transport, sending to
/// a real SMTP test server; grain state and reminders in memory, so no database is needed. Shared by a test class; a
/// derived fixture changes <see cref="Settings"/> in its constructor and services in <see cref="ConfigureServices"/>.
/// </summary>
public class GrainCluster : IAsyncLifetime
{
    private InProcessTestCluster? _cluster;
    private SmtpTestServer? _smtp;

    public SmtpTestServer Smtp => _smtp ?? throw new InvalidOperationException("not started");

    public IGrainFactory Grains => (_cluster ?? throw new InvalidOperationException("not started")).Client;

    /// <summary>Every message the silo handed to its SMTP transport, with the transport's answer.</summary>
    public TransportProbe Transport { get; } = new();

    /// <summary>Settings of the silo, on top of the defaults; set before the cluster starts.</summary>
    public Dictionary<string, string?> Settings { get; } = new()
    {
        ["Kudos:ReminderPeriod"] = "00:00:02",

        // Tests of other features deliver boards without cards.
        ["Kudos:DefaultEmptyBoardPolicy"] = "DeliverAnyway",
        ["Email:From"] = "Kudos <kudos@kudos.test>",
        ["Email:Retry:BaseDelay"] = "00:00:00.200",
        ["Email:Retry:Factor"] = "2",
        ["Email:Retry:Jitter"] = "0",
        ["Smtp:Security"] = "None",
        ["Smtp:Timeout"] = "00:00:10",
        ["Smtp:MaxConnections"] = "1",
        // One send start every 2 s: long enough to see what a grain does while its message waits for the rate.
        ["Smtp:MaxMessagesPerSecond"] = "0.5",
    };

    public async ValueTask InitializeAsync()
    {
        _smtp = await SmtpTestServer.StartAsync(TestContext.Current.CancellationToken);
        Settings["Smtp:Host"] = "127.0.0.1";
        Settings["Smtp:Port"] = _smtp.SmtpPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(Settings).Build();

        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddMemoryGrainStorage(Kudos.Grains.StorageNames.Kudos);
            silo.UseInMemoryReminderService();
            silo.Services.AddSingleton<Kudos.Grains.Indexes.IIndexStore, MemoryIndexStore>();
            silo.Services.AddKudosGrainServices(configuration);
            silo.Services.AddSingleton<IProviderMessageStore, MemoryProviderMessageStore>();
            silo.Services.AddSingleton<Kudos.Grains.Analytics.IEmailStatsStore, MemoryEmailStatsStore>();
            silo.Services.AddSingleton<SmtpEmailTransport>();
            silo.Services.AddSingleton<IEmailTransport>(sp => Transport.Wrap(sp.GetRequiredService<SmtpEmailTransport>()));
            silo.Services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
            ConfigureServices(silo.Services);
        });
        _cluster = builder.Build();
        await _cluster.DeployAsync();
    }

    public virtual async ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }

        if (_smtp is not null)
        {
            await _smtp.DisposeAsync();
        }
    }

    /// <summary>Adds or replaces silo services; called after the silo's own registrations.</summary>
    protected virtual void ConfigureServices(IServiceCollection services)
    {
    }
}

/// <summary>
/// Signals when the silo hands a message to its real SMTP transport and when the transport answers, so tests wait on
/// those events instead of polling the grain.
/// </summary>
public sealed class TransportProbe
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _entered = new();
    private readonly ConcurrentDictionary<string, Channel<SendResult>> _answers = new();

    /// <summary>Completes when a message of <paramref name="dispatchId"/> reaches the transport.</summary>
    public Task Entered(string dispatchId) => _entered.GetOrAdd(dispatchId, _ => NewSignal()).Task;

    /// <summary>
    /// The transport's answers to <paramref name="dispatchId"/>'s attempts, in order. An answer is read only after the
    /// grain took its state gate to record it, so a call made after reading sees the recorded outcome.
    /// </summary>
    public ChannelReader<SendResult> Answers(string dispatchId) => AnswersOf(dispatchId).Reader;

    private Channel<SendResult> AnswersOf(string dispatchId) => _answers.GetOrAdd(dispatchId, _ => Channel.CreateUnbounded<SendResult>());

    internal IEmailTransport Wrap(IEmailTransport inner) => new Probe(inner, this);

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private sealed class Probe(IEmailTransport inner, TransportProbe probe) : IEmailTransport
    {
        public async Task<SendResult> SendAsync(OutgoingEmail email, CancellationToken cancellationToken)
        {
            probe._entered.GetOrAdd(email.DispatchId, _ => NewSignal()).TrySetResult();
            var result = await inner.SendAsync(email, cancellationToken);
            probe.AnswersOf(email.DispatchId).Writer.TryWrite(result);
            return result;
        }
    }
}
