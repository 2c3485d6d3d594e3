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

/// <summary>The health grain's backlog alert in a silo: one alert when an incident starts, one when it ends below 80 %.</summary>
public sealed class BacklogAlertTests(AlertingGrainCluster cluster) : IClassFixture<AlertingGrainCluster>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly IEmailHealthGrain _health = cluster.Grains.GetGrain<IEmailHealthGrain>(HealthKeys.Cluster);

    /// <summary>Pending messages of this test, oldest first.</summary>
    private readonly List<string> _pending = [];

    /// <summary>Reports <paramref name="added"/> new pending messages and <paramref name="sent"/> of the oldest ones sent.</summary>
    private async Task ReportAsync(int added, int sent)
    {
        var signals = new List<HealthSignal>();
        foreach (var id in _pending.Take(sent).ToList())
        {
            signals.Add(new HealthSignal(id, DispatchStatus.Sent, DateTimeOffset.UtcNow, 1, DateTimeOffset.UtcNow, false));
            _pending.Remove(id);
        }

        for (var i = 0; i < added; i++)
        {
            var id = $"backlog/{Guid.NewGuid():N}";
            signals.Add(new HealthSignal(id, DispatchStatus.Pending, DateTimeOffset.UtcNow, 0, DateTimeOffset.UtcNow, false));
            _pending.Add(id);
        }

        foreach (var signal in signals)
        {
            await _health.ReportAsync(signal);
        }
    }

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

    // Signals are one-way and Orleans does not keep their order, so each phase ends on an alert, and the number of pending
    // messages an alert carries shows where it was raised: pending moves by one per signal, so a recovery at 80 % would
    // say 8, an alert before the threshold 9.
    [Fact(Timeout = 60_000)]
    public async Task A_backlog_alerts_once_per_incident_and_recovers_once_below_80_percent()
    {
        // To the threshold: the incident starts there, not before.
        await ReportAsync(added: AlertingGrainCluster.PendingThreshold, sent: 0);
        Assert.Equal("backlog at 10", await AlertAsync(1));

        // 10 → 8 (80 %: still the incident) → 10 (the same incident) → 7: it ends below 80 %, once.
        await ReportAsync(added: 0, sent: 2);
        await ReportAsync(added: 2, sent: 0);
        await ReportAsync(added: 0, sent: 3);
        Assert.Equal("recovered at 7", await AlertAsync(2));

        // Back up to the threshold is a new incident, raised at the threshold.
        await ReportAsync(added: 3, sent: 0);
        Assert.Equal("backlog at 10", await AlertAsync(3));
        Assert.True((await _health.GetAsync()).BacklogAlert, $"Health grain {HealthKeys.Cluster}: the new incident is not shown.");
        Assert.Equal(["backlog", "recovered", "backlog"], cluster.Alerts.Received.Select(a => a.GetProperty("state").GetString()));
    }
}
