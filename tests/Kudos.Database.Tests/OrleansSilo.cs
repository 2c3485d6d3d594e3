using System.Net;
using Kudos.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Xunit;

namespace Kudos.Database.Tests;

/// <summary>
/// One real silo on loopback with all three ADO.NET providers (clustering, grain storage, reminders) on a
/// freshly migrated database, shared by the tests of a class.
/// </summary>
public sealed class OrleansSilo : IAsyncLifetime
{
    public const string StorageName = "kudos";
    public const string Invariant = "Npgsql";

    private IHost? _host;

    public string ConnectionString { get; private set; } = string.Empty;

    public string ClusterId { get; } = $"db-tests-{Guid.NewGuid():N}";

    public string ServiceId { get; } = $"db-tests-{Guid.NewGuid():N}";

    public int SiloPort { get; private set; }

    public int GatewayPort { get; private set; }

    public IGrainFactory Grains => Host.Services.GetRequiredService<IGrainFactory>();

    private IHost Host => _host ?? throw new InvalidOperationException("The silo has not started.");

    public async ValueTask InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        ConnectionString = await TestPostgres.CreateMigratedDatabaseAsync("orleans_providers", timeout.Token);
        SiloPort = Ports.Free();
        GatewayPort = Ports.Free();

        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.UseOrleans(silo =>
        {
            silo.Configure<ClusterOptions>(options =>
            {
                options.ClusterId = ClusterId;
                options.ServiceId = ServiceId;
            });
            silo.ConfigureEndpoints(IPAddress.Loopback, SiloPort, GatewayPort);
            silo.UseAdoNetClustering(options =>
            {
                options.Invariant = Invariant;
                options.ConnectionString = ConnectionString;
            });
            silo.AddAdoNetGrainStorage(StorageName, options =>
            {
                options.Invariant = Invariant;
                options.ConnectionString = ConnectionString;
            });
            silo.UseAdoNetReminderService(options =>
            {
                options.Invariant = Invariant;
                options.ConnectionString = ConnectionString;
            });
            // Lets the test register a reminder that ticks within seconds instead of the 1-minute minimum.
            silo.Configure<ReminderOptions>(options => options.MinimumReminderPeriod = TimeSpan.FromSeconds(1));
        });

        _host = builder.Build();
        await _host.StartAsync(timeout.Token);
    }

    public async ValueTask DisposeAsync()
    {
        if (_host is not null)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await _host.StopAsync(timeout.Token);
            _host.Dispose();
        }
    }

}
