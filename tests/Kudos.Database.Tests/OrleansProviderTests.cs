using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Orleans.Configuration;
using Xunit;

namespace Kudos.Database.Tests;

/// <summary>Each Orleans ADO.NET provider starts on a freshly migrated database and does its job.</summary>
public sealed class OrleansProviderTests(OrleansSilo silo) : IClassFixture<OrleansSilo>
{
    private const int ActiveStatus = 3;

    [Fact(Timeout = 60_000)]
    public async Task Clustering_records_the_started_silo_as_active()
    {
        var ct = TestContext.Current.CancellationToken;

        var status = await Db.ScalarAsync<int>(
            silo.ConnectionString,
            "SELECT Status FROM OrleansMembershipTable WHERE DeploymentId = @cluster AND Address = '127.0.0.1' AND Port = @port",
            ct,
            new NpgsqlParameter("cluster", silo.ClusterId),
            new NpgsqlParameter("port", silo.SiloPort));

        Assert.Equal(ActiveStatus, status);
        Assert.True(
            await Db.ScalarAsync<int>(silo.ConnectionString, "SELECT Version FROM OrleansMembershipVersionTable WHERE DeploymentId = @cluster", ct, new NpgsqlParameter("cluster", silo.ClusterId)) > 0,
            $"the membership version of cluster {silo.ClusterId} should have advanced when the silo joined");
    }

    [Fact(Timeout = 60_000)]
    public async Task A_client_finds_the_silo_through_the_gateway_query()
    {
        var ct = TestContext.Current.CancellationToken;
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(options =>
            {
                options.ClusterId = silo.ClusterId;
                options.ServiceId = silo.ServiceId;
            });
            client.UseAdoNetClustering(options =>
            {
                options.Invariant = OrleansSilo.Invariant;
                options.ConnectionString = silo.ConnectionString;
            });
        });
        using var clientHost = builder.Build();
        await clientHost.StartAsync(ct);
        try
        {
            var grain = clientHost.Services.GetRequiredService<IClusterClient>().GetGrain<IGuidStateProbeGrain>(Guid.NewGuid());
            await grain.SetAsync("via gateway");
            Assert.Equal("via gateway", (await grain.GetAsync()).Value);
        }
        finally
        {
            await clientHost.StopAsync(ct);
        }
    }

    [Fact(Timeout = 60_000)]
    public async Task Grain_state_with_a_guid_key_survives_deactivation()
    {
        var ct = TestContext.Current.CancellationToken;
        var grain = silo.Grains.GetGrain<IGuidStateProbeGrain>(Guid.NewGuid());

        await grain.SetAsync("first");
        await grain.SetAsync("second");
        var before = await grain.GetAsync();
        await grain.DeactivateAsync();
        var after = await grain.GetAsync();

        Assert.NotEqual(before.ActivationId, after.ActivationId);
        Assert.Equal("second", after.Value);
        Assert.Equal(2, await StoredVersionAsync("guid-probe", ct));
    }

    [Fact(Timeout = 60_000)]
    public async Task Grain_state_with_a_string_key_survives_deactivation()
    {
        var ct = TestContext.Current.CancellationToken;
        var key = $"board-delivery/{Guid.NewGuid()}";
        var grain = silo.Grains.GetGrain<IStringStateProbeGrain>(key);

        await grain.SetAsync("kept");
        var before = await grain.GetAsync();
        await grain.DeactivateAsync();
        var after = await grain.GetAsync();

        Assert.NotEqual(before.ActivationId, after.ActivationId);
        Assert.Equal("kept", after.Value);
        Assert.Equal(key, await Db.ScalarAsync<string>(
            silo.ConnectionString,
            "SELECT GrainIdExtensionString FROM OrleansStorage WHERE ServiceId = @service AND GrainTypeString = 'string-probe'",
            ct,
            new NpgsqlParameter("service", silo.ServiceId)));
    }

    [Fact(Timeout = 60_000)]
    public async Task A_registered_reminder_is_stored_fires_and_is_removed_when_unregistered()
    {
        var ct = TestContext.Current.CancellationToken;
        var id = Guid.NewGuid();
        var tick = new TaskCompletionSource<TickStatus>(TaskCreationOptions.RunContinuationsAsynchronously);
        ReminderProbeGrain.Ticks[id] = tick;
        var grain = silo.Grains.GetGrain<IReminderProbeGrain>(id);

        await grain.RegisterAsync(dueTime: TimeSpan.FromSeconds(2), period: TimeSpan.FromMinutes(1));

        var grainId = $"reminderprobe/{id:N}";
        var period = await Db.ScalarAsync<long>(
            silo.ConnectionString,
            "SELECT Period FROM OrleansRemindersTable WHERE ServiceId = @service AND GrainId = @grain AND ReminderName = @name",
            ct,
            new NpgsqlParameter("service", silo.ServiceId),
            new NpgsqlParameter("grain", grainId),
            new NpgsqlParameter("name", ReminderProbeGrain.ReminderName));
        Assert.Equal((long)TimeSpan.FromMinutes(1).TotalMilliseconds, period);

        var status = await tick.Task.WaitAsync(TimeSpan.FromSeconds(30), ct);

        Assert.True(status.FirstTickTime <= status.CurrentTickTime, $"tick of {grainId}: {status}");
        Assert.Equal(0L, await Db.ScalarAsync<long>(
            silo.ConnectionString,
            "SELECT count(*) FROM OrleansRemindersTable WHERE ServiceId = @service AND GrainId = @grain",
            ct,
            new NpgsqlParameter("service", silo.ServiceId),
            new NpgsqlParameter("grain", grainId)));
    }

    // Other tests of this class write rows of the same state (one per grain, each at version 1): the highest
    // version is this test's grain, which wrote twice.
    private Task<int> StoredVersionAsync(string stateName, CancellationToken ct) => Db.ScalarAsync<int>(
        silo.ConnectionString,
        "SELECT max(Version) FROM OrleansStorage WHERE ServiceId = @service AND GrainTypeString = @state",
        ct,
        new NpgsqlParameter("service", silo.ServiceId),
        new NpgsqlParameter("state", stateName));
}
