using Kudos.Grains;
using Kudos.Grains.Scheduling;
using Microsoft.Extensions.Options;
using Xunit;

namespace Kudos.UnitTests;

/// <summary>The silo's gate for due work: bounded, earliest instant first, and a cancelled wait gives nothing away.</summary>
public sealed class DueWorkGateTests
{
    private static readonly DateTimeOffset Instant = new(2026, 12, 24, 17, 0, 0, TimeSpan.Zero);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static DueWorkGate Gate(int capacity) => new(Options.Create(new KudosOptions { DueWorkConcurrency = capacity }));

    [Fact]
    public async Task At_most_the_capacity_runs_and_the_earliest_instant_goes_next_whatever_the_arrival_order()
    {
        var gate = Gate(2);
        var first = await gate.EnterAsync(Instant, Ct);
        var second = await gate.EnterAsync(Instant, Ct);
        var late = gate.EnterAsync(Instant.AddSeconds(3), Ct);
        var early = gate.EnterAsync(Instant.AddSeconds(1), Ct);
        var middle = gate.EnterAsync(Instant.AddSeconds(2), Ct);
        Assert.Equal((2, 3), (gate.Running, gate.Waiting));
        Assert.False(late.IsCompleted || early.IsCompleted || middle.IsCompleted);

        first.Dispose();
        var admitted = await early;
        Assert.False(late.IsCompleted || middle.IsCompleted);
        first.Dispose(); // a second dispose releases nothing more
        Assert.False(late.IsCompleted || middle.IsCompleted);

        second.Dispose();
        (await middle).Dispose();
        (await late).Dispose();
        admitted.Dispose();
        Assert.Equal((0, 0), (gate.Running, gate.Waiting));
    }

    [Fact]
    public async Task A_cancelled_wait_is_skipped_and_its_place_goes_to_the_next()
    {
        var gate = Gate(1);
        var running = await gate.EnterAsync(Instant, Ct);
        using var cancel = new CancellationTokenSource();
        var cancelled = gate.EnterAsync(Instant, cancel.Token);
        var next = gate.EnterAsync(Instant.AddSeconds(1), Ct);

        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        Assert.False(next.IsCompleted);

        running.Dispose();
        (await next).Dispose();
        Assert.Equal(0, gate.Running);
        (await gate.EnterAsync(Instant, Ct)).Dispose();
    }
}
