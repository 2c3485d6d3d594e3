using Kudos.Grains;
using Kudos.Grains.Email;
using Kudos.Testing;
using Xunit;

namespace Kudos.GrainTests;

/// <summary>A <see cref="GrainCluster"/> whose backlog alerts (threshold 10 pending) go to a real HTTP listener.</summary>
public sealed class AlertingGrainCluster : GrainCluster
{
    public const int PendingThreshold = 10;

    public AlertingGrainCluster()
    {
        Settings["Email:Alerts:PendingThreshold"] = PendingThreshold.ToString(System.Globalization.CultureInfo.InvariantCulture);
        // Far away: only the number of pending messages decides here.
        Settings["Email:Alerts:OldestPendingThreshold"] = "1.00:00:00";
        Settings["Email:Alerts:WebhookUrl"] = Alerts.Url;
    }

    public AlertListener Alerts { get; } = new();

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        Alerts.Dispose();
    }
}

/// <summary>
/// The health view's backlog alert in a silo: one alert when an incident starts, one when it ends below 80 %; fed by the
/// partitions' summaries, and end to end from dispatch signals through the partitions.
/// </summary>
public sealed class BacklogAlertTests(AlertingGrainCluster cluster) : IClassFixture<AlertingGrainCluster>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly IEmailHealthGrain _health = cluster.Grains.GetGrain<IEmailHealthGrain>(HealthKeys.Cluster);

    /// <summary>The <paramref name="n"/>-th alert posted, as "state at pending".</summary>
    private async Task<string> AlertAsync(int n)
    {
        var received = await cluster.Alerts.WaitAsync(n, TimeSpan.FromSeconds(10), Ct);
        if (received.Count < n)
        {
            Assert.Fail($"Health grain {HealthKeys.Cluster}: {received.Count} alert(s) posted, expected alert {n}; it shows {await _health.GetAsync()}.");
        }

        return $"{received[n - 1].GetProperty("state").GetString()} at {received[n - 1].GetProperty("pending").GetInt32()}";
    }

    [Fact(Timeout = 60_000)]
    public async Task A_backlog_alerts_once_per_incident_and_recovers_once_below_80_percent()
    {
        var first = cluster.Alerts.Received.Count;
        // One partition's summary, one pending message at a time (awaited: each update is applied before the next). Dated
        // ahead, so that what the real (empty) partition says when the view reads it does not replace it.
        var pending = 0;
        async Task MoveToAsync(int target)
        {
            while (pending != target)
            {
                pending += Math.Sign(target - pending);
                await _health.UpdateAsync(HealthKeys.Partitions - 1, HealthSummary.Empty(DateTimeOffset.UtcNow.AddDays(1)) with { Pending = pending, OldestPendingSince = DateTimeOffset.UtcNow });
            }
        }

        // To the threshold: the incident starts there, not before.
        await MoveToAsync(AlertingGrainCluster.PendingThreshold);
        Assert.Equal("backlog at 10", await AlertAsync(first + 1));

        // 10 → 8 (80 %: still the incident) → 10 (the same incident) → 7: it ends below 80 %, once.
        await MoveToAsync(8);
        await MoveToAsync(10);
        await MoveToAsync(7);
        Assert.Equal("recovered at 7", await AlertAsync(first + 2));

        // Back up to the threshold is a new incident, raised at the threshold.
        await MoveToAsync(10);
        Assert.Equal("backlog at 10", await AlertAsync(first + 3));
        Assert.True((await _health.GetAsync()).BacklogAlert, $"Health grain {HealthKeys.Cluster}: the new incident is not shown.");
        Assert.Equal(["backlog", "recovered", "backlog"], cluster.Alerts.Received.Skip(first).Select(a => a.GetProperty("state").GetString()));

        await MoveToAsync(0);
        Assert.Equal("recovered at 7", await AlertAsync(first + 4));
    }
}

/// <summary>The health partitions in a silo: dispatch signals, in any order, reach the cluster view and its alert.</summary>
public sealed class HealthPartitionTests(AlertingGrainCluster cluster) : IClassFixture<AlertingGrainCluster>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly IEmailHealthGrain _health = cluster.Grains.GetGrain<IEmailHealthGrain>(HealthKeys.Cluster);

    [Fact(Timeout = 60_000)]
    public async Task Dispatch_signals_reach_the_alert_through_the_partitions_in_any_order()
    {
        var first = cluster.Alerts.Received.Count;
        var ids = Enumerable.Range(0, AlertingGrainCluster.PendingThreshold).Select(_ => $"backlog/{Guid.NewGuid():N}").ToList();
        Assert.True(ids.Select(HealthKeys.Partition).Distinct().Count() > 1, "the ids should spread over several partitions");
        HealthSignal Signal(string id, DispatchStatus status, int version) => new(id, status, DateTimeOffset.UtcNow, 1, DateTimeOffset.UtcNow, false, version);
        Task ReportAsync(HealthSignal signal) => cluster.Grains.GetGrain<IEmailHealthPartitionGrain>(HealthKeys.Partition(signal.DispatchId)).ReportAsync(signal);

        foreach (var id in ids)
        {
            await ReportAsync(Signal(id, DispatchStatus.Pending, version: 0));
        }

        // Pending only grows here, so whatever order the partitions push in, the incident starts at the last one.
        var backlog = await cluster.Alerts.WaitAsync(first + 1, TimeSpan.FromSeconds(10), Ct);
        Assert.True(backlog.Count > first, $"Health grain {HealthKeys.Cluster}: no backlog alert; it shows {await _health.GetAsync()}.");
        Assert.Equal(("backlog", 10), (backlog[first].GetProperty("state").GetString(), backlog[first].GetProperty("pending").GetInt32()));

        // Each message's Sent first, its Sending late: the late Sending must not count it again.
        foreach (var id in ids)
        {
            await ReportAsync(Signal(id, DispatchStatus.Sent, version: 7));
            await ReportAsync(Signal(id, DispatchStatus.Sending, version: 4));
        }

        var recovered = await cluster.Alerts.WaitAsync(first + 2, TimeSpan.FromSeconds(10), Ct);
        Assert.True(recovered.Count >= first + 2, $"Health grain {HealthKeys.Cluster}: no recovery; it shows {await _health.GetAsync()}.");
        Assert.Equal("recovered", recovered[first + 1].GetProperty("state").GetString());
        var view = await _health.GetAsync();
        Assert.True(view.Pending == 0 && view.Sending == 0, $"Health grain {HealthKeys.Cluster}: phantom open dispatches after every one was sent: {view}.");
    }
}
