using Xunit;

namespace Kudos.GrainTests;

/// <summary>
/// The board's due step waits in an interleaved timer, then calls the board itself. If the activation starts
/// deactivating in between (a silo died holding its directory registration: P5), that call cannot run before the
/// deactivation ends, which waits for the timer: the activation's ending token must stop the wait at once.
/// </summary>
public sealed class ActivationEndingTests(GrainCluster cluster) : IClassFixture<GrainCluster>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact(Timeout = 60_000)]
    public async Task A_timer_waiting_on_a_call_to_its_own_deactivating_grain_stops_at_once()
    {
        var id = Guid.NewGuid();
        var probe = cluster.Grains.GetGrain<ISelfCallProbeGrain>(id);
        await probe.StartAsync();
        await SelfCallProbeGrain.Signal(SelfCallProbeGrain.Waiting, id).Task.WaitAsync(Ct);

        await probe.EndAsync();
        SelfCallProbeGrain.Signal(SelfCallProbeGrain.Release, id).TrySetResult();
        var started = TimeProvider.System.GetTimestamp();
        var outcome = await SelfCallProbeGrain.OutcomeOf(id).Task.WaitAsync(Ct);

        // Without the token the call ends with Orleans' response timeout (TimeoutException) after 30 s.
        Assert.Equal("stopped", outcome);
        TestContext.Current.TestOutputHelper?.WriteLine($"stopped {TimeProvider.System.GetElapsedTime(started).TotalMilliseconds:F0} ms after the release");
    }

    [Fact(Timeout = 30_000)]
    public async Task Without_a_deactivation_the_call_runs()
    {
        var id = Guid.NewGuid();
        await cluster.Grains.GetGrain<ISelfCallProbeGrain>(id).StartAsync();
        SelfCallProbeGrain.Signal(SelfCallProbeGrain.Release, id).TrySetResult();

        Assert.Equal("ran", await SelfCallProbeGrain.OutcomeOf(id).Task.WaitAsync(Ct));
    }
}
