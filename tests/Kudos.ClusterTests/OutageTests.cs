using Kudos.ClusterTests.Infrastructure;
using Kudos.Testing;
using Xunit;

namespace Kudos.ClusterTests;

/// <summary>The whole cluster is down while deliveries fall due.</summary>
public sealed class OutageTests(ITestOutputHelper output)
{
    private const int BoardCount = 50;

    /// <summary>
    /// Bound: a reminder missed during an outage fires at its next period boundary after the silos are back
    /// (<c>Kudos:ReminderPeriod</c>: 2 s here, 5 s by default), plus the time the silos take to join and load their
    /// reminder ranges. 90 s is the product's promise; the measured delay is printed.
    /// </summary>
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(90);

    [Fact(Timeout = 240_000)]
    public async Task Deliveries_due_while_every_silo_is_down_go_out_after_the_restart()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var stack = await KudosStack.StartClusterAsync("outage", 2, ct);

        var first = DateTimeOffset.UtcNow.AddSeconds(10);
        var boards = await Boards.CreateAsync(stack, "outage", Boards.Spread(first, TimeSpan.FromSeconds(5), BoardCount), ct);
        var stoppedAt = DateTimeOffset.UtcNow;
        Assert.True(stoppedAt < first, $"Creating {BoardCount} boards took too long: the first was due at {first:HH:mm:ss.fff}.");
        await Task.WhenAll(stack.StopSiloAsync(0, kill: false), stack.StopSiloAsync(1, kill: false));
        output.WriteLine($"{BoardCount} boards due {first:HH:mm:ss.fff} to {boards[^1].DeliverAt:HH:mm:ss.fff}; every silo stopped (SIGTERM) by {DateTimeOffset.UtcNow:HH:mm:ss.fff}");

        // Nothing can go out while the cluster is down: wait past the last instant, on the mail server's long-poll.
        var early = await stack.Smtp.WaitForMessagesAsync(1, boards[^1].DeliverAt - DateTimeOffset.UtcNow + TimeSpan.FromSeconds(1), null, ct);
        Assert.Empty(early);

        var restarted = DateTimeOffset.UtcNow;
        await Task.WhenAll(stack.StartSiloAsync(0, ct), stack.StartSiloAsync(1, ct));
        output.WriteLine($"silos started again {restarted:HH:mm:ss.fff} (processes ready {(DateTimeOffset.UtcNow - restarted).TotalSeconds:0.0} s later)");

        var report = await DeliveryReport.CollectAsync(stack, boards, Bound, KudosStack.ReminderPeriod * 3, ct);
        output.WriteLine(report.Describe());
        Assert.True(report.Missing.Count == 0, $"Not delivered within {Bound.TotalSeconds} s of the restart: {report.Describe()}\n{stack.Logs}");
        var last = report.First.Values.Max(m => m.ReceivedAt);
        output.WriteLine($"all {BoardCount} delivered {(last - restarted).TotalSeconds:0.0} s after the restart (first {(report.First.Values.Min(m => m.ReceivedAt) - restarted).TotalSeconds:0.0} s); duplicate emails: {report.Duplicates.Count}");
        Assert.True(last - restarted <= Bound, $"The last delivery came {(last - restarted).TotalSeconds:0.0} s after the restart.");
        Assert.True(report.Duplicates.Count == 0, report.Describe());
    }
}
