using System.Net;
using Kudos.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Orleans.Configuration;
using Xunit;

namespace Kudos.Database.Tests;

/// <summary>
/// Reminders beyond the range reads' window (<see cref="ReminderWindow"/>, <c>008_reminder_window.sql</c>) are left out
/// of the reads yet tick on time: a silo with a loading window of seconds, so "far" is a few seconds away.
/// </summary>
public sealed class ReminderWindowTests : IAsyncLifetime
{
    private static readonly TimeSpan LoadingWindow = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan RefreshPeriod = TimeSpan.FromSeconds(1);

    /// <summary>Beyond the window of the reads (3 s + 2 × 1 s) when registered.</summary>
    private static readonly TimeSpan Far = TimeSpan.FromSeconds(12);

    /// <summary>How late a tick may be: the reminder is loaded a refresh ahead, so it fires at its time (plus scheduling).</summary>
    private static readonly TimeSpan Punctual = TimeSpan.FromSeconds(1);

    private readonly string _serviceId = $"window-{Guid.NewGuid():N}";
    private string _connectionString = string.Empty;
    private IHost? _host;

    /// <summary>The connection string the silo's reminder provider uses: its sessions announce the reads' window.</summary>
    private string WindowedConnectionString => ReminderWindow.Apply(_connectionString, ReminderWindow.For(LoadingWindow, RefreshPeriod));

    private IGrainFactory Grains => (_host ?? throw new InvalidOperationException("Not started.")).Services.GetRequiredService<IGrainFactory>();

    public async ValueTask InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        _connectionString = await TestPostgres.CreateMigratedDatabaseAsync("reminder_window_silo", timeout.Token);
        await StartAsync(timeout.Token);
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    [Fact(Timeout = 90_000)]
    public async Task A_far_reminder_is_left_out_of_the_range_read_and_still_ticks_on_time()
    {
        var ct = TestContext.Current.CancellationToken;
        var (grain, tick) = Probe();

        var dueAt = DateTime.UtcNow + Far;
        await grain.RegisterAsync(Far, TimeSpan.FromMinutes(1));

        Assert.Equal(0, await CountInRangeReadAsync(grain, ct));
        await AssertTicksOnTimeAsync(tick, dueAt, ct);
    }

    [Fact(Timeout = 120_000)]
    public async Task A_far_reminder_ticks_on_time_after_a_silo_restart()
    {
        var ct = TestContext.Current.CancellationToken;
        var (grain, tick) = Probe();
        var dueAt = DateTime.UtcNow + Far;
        await grain.RegisterAsync(Far, TimeSpan.FromMinutes(1));

        await StopAsync();
        await StartAsync(ct);

        Assert.Equal(0, await CountInRangeReadAsync(grain, ct));
        await AssertTicksOnTimeAsync(tick, dueAt, ct);
    }

    [Fact(Timeout = 90_000)]
    public async Task A_reminder_moved_from_far_to_near_ticks_at_the_near_time()
    {
        var ct = TestContext.Current.CancellationToken;
        var (grain, tick) = Probe();
        await grain.RegisterAsync(TimeSpan.FromDays(30), TimeSpan.FromMinutes(1));
        Assert.Equal(0, await CountInRangeReadAsync(grain, ct));

        // Within the loading window: the registration itself starts it in memory, no refresh needed.
        var near = TimeSpan.FromSeconds(2);
        var dueAt = DateTime.UtcNow + near;
        await grain.RegisterAsync(near, TimeSpan.FromMinutes(1));

        await AssertTicksOnTimeAsync(tick, dueAt, ct);
    }

    [Fact(Timeout = 90_000)]
    public async Task A_reminder_moved_from_near_to_far_ticks_only_at_the_far_time()
    {
        var ct = TestContext.Current.CancellationToken;
        var (grain, tick) = Probe();
        await grain.RegisterAsync(TimeSpan.FromSeconds(2), TimeSpan.FromMinutes(1));

        var dueAt = DateTime.UtcNow + Far;
        await grain.RegisterAsync(Far, TimeSpan.FromMinutes(1));
        Assert.Equal(0, await CountInRangeReadAsync(grain, ct));

        // The probe reports its first tick only: a tick at the old near time would be reported (and early).
        await AssertTicksOnTimeAsync(tick, dueAt, ct);
    }

    private static async Task AssertTicksOnTimeAsync(TaskCompletionSource<TickStatus> tick, DateTime dueAt, CancellationToken ct)
    {
        var status = await tick.Task.WaitAsync(TimeSpan.FromSeconds(60), ct);
        var firedAt = DateTime.UtcNow;

        // The tick is the first one of the registration (StartAt = dueAt, to the clock reads around the call).
        Assert.InRange(status.FirstTickTime, dueAt - TimeSpan.FromSeconds(1), dueAt + TimeSpan.FromSeconds(1));
        Assert.True(status.CurrentTickTime >= status.FirstTickTime - TimeSpan.FromMilliseconds(50), $"early tick: {status}");
        Assert.True(firedAt - status.FirstTickTime <= Punctual, $"late tick: {status}, delivered at {firedAt:O}");
    }

    private (IReminderProbeGrain Grain, TaskCompletionSource<TickStatus> Tick) Probe()
    {
        var id = Guid.NewGuid();
        var tick = new TaskCompletionSource<TickStatus>(TaskCreationOptions.RunContinuationsAsynchronously);
        ReminderProbeGrain.Ticks[id] = tick;
        return (Grains.GetGrain<IReminderProbeGrain>(id), tick);
    }

    /// <summary>The probe's rows among those the whole-ring range read returns on a silo's connection.</summary>
    private async Task<int> CountInRangeReadAsync(IReminderProbeGrain grain, CancellationToken ct)
    {
        var grainId = $"reminderprobe/{grain.GetPrimaryKey():N}";
        var rows = await Db.ReadReminderRangeAsync(
            _connectionString,
            WindowedConnectionString,
            "ReadRangeRows2Key",
            _serviceId,
            0,
            0,
            ct);
        var count = rows.Count(r => r.GrainId == grainId);

        Assert.Equal(1L, await Db.ScalarAsync<long>(
            _connectionString,
            "SELECT count(*) FROM OrleansRemindersTable WHERE ServiceId = @service AND GrainId = @grain",
            ct,
            new NpgsqlParameter("service", _serviceId),
            new NpgsqlParameter("grain", grainId)));
        return count;
    }

    private async Task StartAsync(CancellationToken ct)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.UseOrleans(silo =>
        {
            silo.Configure<ClusterOptions>(options =>
            {
                options.ClusterId = _serviceId;
                options.ServiceId = _serviceId;
            });
            silo.ConfigureEndpoints(IPAddress.Loopback, Ports.Free(), Ports.Free());
            silo.UseAdoNetClustering(options =>
            {
                options.Invariant = OrleansSilo.Invariant;
                options.ConnectionString = _connectionString;
            });
            silo.UseAdoNetReminderService(options =>
            {
                options.Invariant = OrleansSilo.Invariant;
                options.ConnectionString = WindowedConnectionString;
            });
            silo.Configure<ReminderOptions>(options =>
            {
                options.MinimumReminderPeriod = TimeSpan.FromSeconds(1);
                options.ReminderLoadingWindow = LoadingWindow;
                options.RefreshReminderListPeriod = RefreshPeriod;
            });
        });
        _host = builder.Build();
        await _host.StartAsync(ct);
    }

    private async Task StopAsync()
    {
        if (_host is not null)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await _host.StopAsync(timeout.Token);
            _host.Dispose();
            _host = null;
        }
    }
}
