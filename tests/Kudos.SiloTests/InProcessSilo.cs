using Kudos.Silo.Hosting;
using Kudos.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Xunit;

namespace Kudos.SiloTests;

/// <summary>
/// One silo in this process with the product's own grain services and persistence (PostgreSQL storage and reminders, the
/// SMTP transport to a real SMTP test server) plus <see cref="EnqueueFaults"/>, which makes chosen hand-offs fail.
/// </summary>
public sealed class InProcessSilo : IAsyncLifetime
{
    public static readonly TimeSpan ReminderPeriod = TimeSpan.FromSeconds(2);

    /// <summary>How long before delivery invitees who have not posted are reminded, short enough to wait for.</summary>
    public static readonly TimeSpan InviteReminderLead = TimeSpan.FromSeconds(4);

    private IHost? _host;

    public SmtpTestServer Smtp { get; private set; } = null!;

    public EnqueueFaults Faults { get; } = new();

    /// <summary>Receives the silo's operator alerts (<c>Email:Alerts:WebhookUrl</c>).</summary>
    public AlertListener Alerts { get; } = new();

    public IGrainFactory Grains => Services.GetRequiredService<IGrainFactory>();

    /// <summary>Reminders a test arranges as a crash would have left them.</summary>
    public ReminderArrangement Reminders => Services.GetRequiredService<ReminderArrangement>();

    public IServiceProvider Services => (_host ?? throw new InvalidOperationException("Not started.")).Services;

    /// <summary>The silo's database, for tests that look at what was stored.</summary>
    public string ConnectionString { get; private set; } = "";

    public async ValueTask InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var connectionString = ConnectionString = await TestPostgres.CreateMigratedDatabaseAsync("silo_tests", timeout.Token);
        Smtp = await SmtpTestServer.StartAsync(timeout.Token);

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Kudos:PublicBaseUrl"] = "http://127.0.0.1:5080",
            ["Kudos:ReminderPeriod"] = ReminderPeriod.ToString(),
            ["Kudos:InviteReminderLead"] = InviteReminderLead.ToString(),
            ["Owners:RequireConfirmation"] = "false",

            // Tests of other features deliver boards without cards; the empty-board tests choose each board's policy.
            ["Kudos:DefaultEmptyBoardPolicy"] = "DeliverAnyway",
            ["Email:Alerts:WebhookUrl"] = Alerts.Url,
            ["Email:From"] = "Kudos <kudos@example.test>",
            ["Smtp:Host"] = "127.0.0.1",
            ["Smtp:Port"] = Smtp.SmtpPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Smtp:Security"] = "None",
        });
        builder.Services.AddKudosGrainServices(builder.Configuration);
        builder.UseOrleans(silo =>
        {
            silo.UseLocalhostClustering(Ports.Free(), Ports.Free(), serviceId: $"silo-tests-{Guid.NewGuid():N}", clusterId: "silo-tests");
            silo.AddKudosPersistence(connectionString);
            silo.UseProcessEnvironmentStatistics();
            silo.Services.AddSingleton<IIncomingGrainCallFilter>(Faults);
            silo.Services.AddSingleton<ReminderArrangement>();
            silo.Services.AddSingleton<IIncomingGrainCallFilter>(sp => sp.GetRequiredService<ReminderArrangement>());
        });
        _host = builder.Build();
        await _host.StartAsync(timeout.Token);
    }

    /// <summary>
    /// Runs a shipped schema script (<c>deploy/sql/&lt;fileName&gt;</c>) on the silo's database again, as it runs on a
    /// database upgraded with rows the script has not seen yet.
    /// </summary>
    public async Task RunSchemaScriptAsync(string fileName, CancellationToken ct)
    {
        var sql = await File.ReadAllTextAsync(Path.Combine(RepoPaths.Root, "deploy", "sql", fileName), ct);
        await using var dataSource = NpgsqlDataSource.Create(ConnectionString);
        await using var command = dataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync(ct);
    }

    public async ValueTask DisposeAsync()
    {
        if (_host is not null)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await _host.StopAsync(timeout.Token);
            _host.Dispose();
        }

        if (Smtp is not null)
        {
            await Smtp.DisposeAsync();
        }

        Alerts.Dispose();
    }

}
