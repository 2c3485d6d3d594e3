using Kudos.Silo.Storage;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace Kudos.SiloTests;

/// <summary>How the stores batch statements: at once when idle, together and at most once per interval under load (fake clock).</summary>
public sealed class GroupedStatementsTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(10);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact(Timeout = 30_000)]
    public async Task An_item_that_finds_no_batch_running_goes_at_once()
    {
        var clock = new WaitingClock();
        var grouped = new GroupedStatements<int, int>(items => Task.FromResult<Func<int, int>>(i => i * 10), Interval, clock);

        // The clock never moves: an item that waited for the interval would never complete.
        Assert.Equal(50, await grouped.RunAsync(5));
    }

    [Fact(Timeout = 30_000)]
    public async Task Items_that_arrive_while_a_batch_runs_go_together_one_interval_after_its_start()
    {
        var clock = new WaitingClock();
        var batches = new List<int[]>();
        using var batchStarted = new SemaphoreSlim(0);
        var firstMayEnd = new TaskCompletionSource();
        var grouped = new GroupedStatements<int, int>(
            async items =>
            {
                lock (batches)
                {
                    batches.Add([.. items]);
                }

                batchStarted.Release();
                if (items[0] == 1)
                {
                    await firstMayEnd.Task;
                }

                return i => i * 10;
            },
            Interval,
            clock);

        var first = grouped.RunAsync(1);
        await batchStarted.WaitAsync(Ct);
        var second = grouped.RunAsync(2);
        var third = grouped.RunAsync(3);
        firstMayEnd.SetResult();
        Assert.Equal(10, await first);

        // The next batch waits for the rest of the interval; what arrives meanwhile joins it.
        await clock.TimerCreated.WaitAsync(Ct);
        Assert.False(second.IsCompleted);
        var fourth = grouped.RunAsync(4);
        clock.Advance(Interval);

        var results = await Task.WhenAll(second, third, fourth);
        Assert.Equal([20, 30, 40], results);
        Assert.Equal([[1], [2, 3, 4]], batches);
    }

    [Fact(Timeout = 30_000)]
    public async Task A_failed_batch_fails_each_of_its_items_and_the_next_batch_still_runs()
    {
        var clock = new WaitingClock();
        var grouped = new GroupedStatements<int, int>(
            items => items.Contains(13) ? throw new InvalidOperationException("refused") : Task.FromResult<Func<int, int>>(i => i),
            TimeSpan.Zero,
            clock);

        Assert.Equal("refused", (await Assert.ThrowsAsync<InvalidOperationException>(() => grouped.RunAsync(13))).Message);
        Assert.Equal(7, await grouped.RunAsync(7));
    }

    /// <summary>A fake clock that tells when a timer is created (the batcher has started waiting on it).</summary>
    private sealed class WaitingClock : FakeTimeProvider
    {
        public SemaphoreSlim TimerCreated { get; } = new(0);

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            var timer = base.CreateTimer(callback, state, dueTime, period);
            TimerCreated.Release();
            return timer;
        }
    }
}
