using Xunit;

namespace Kudos.GrainTests;

/// <summary>The scheduling helper in a silo: never early, backed by a reminder while it waits, and cancelled for good.</summary>
public sealed class DueTimerTests(GrainCluster cluster) : IClassFixture<GrainCluster>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Task<DateTimeOffset> FiredAsync(Guid id) =>
        WaitProbeGrain.Fired.GetOrAdd(id, _ => new(TaskCreationOptions.RunContinuationsAsynchronously)).Task.WaitAsync(Ct);

    [Fact(Timeout = 30_000)]
    public async Task A_wait_ends_at_its_instant_never_before_and_leaves_no_reminder()
    {
        var id = Guid.NewGuid();
        var probe = cluster.Grains.GetGrain<IWaitProbeGrain>(id);
        var at = DateTimeOffset.UtcNow.AddSeconds(1.5);

        await probe.WaitUntilAsync(at);
        Assert.True(await probe.HasReminderAsync(), "The durable reminder is the backstop while the wait lasts.");
        var fired = await FiredAsync(id);

        Assert.True(fired >= at, $"Probe {id} fired {(at - fired).TotalMilliseconds:F1} ms early.");
        TestContext.Current.TestOutputHelper?.WriteLine($"fired {(fired - at).TotalMilliseconds:F1} ms after its instant");
        Assert.False(await probe.HasReminderAsync());
    }

    [Fact(Timeout = 30_000)]
    public async Task A_cancelled_wait_never_fires()
    {
        var cancelled = Guid.NewGuid();
        var witness = Guid.NewGuid();
        var probe = cluster.Grains.GetGrain<IWaitProbeGrain>(cancelled);

        await probe.WaitUntilAsync(DateTimeOffset.UtcNow.AddMilliseconds(200));
        await probe.CancelAsync();
        // A second probe due later than the first: once it has fired, the first would have too.
        await cluster.Grains.GetGrain<IWaitProbeGrain>(witness).WaitUntilAsync(DateTimeOffset.UtcNow.AddMilliseconds(400));
        await FiredAsync(witness);

        Assert.False(WaitProbeGrain.Fired.TryGetValue(cancelled, out var signal) && signal.Task.IsCompleted, $"Probe {cancelled} fired after it was cancelled.");
        Assert.False(await probe.HasReminderAsync());
    }
}
