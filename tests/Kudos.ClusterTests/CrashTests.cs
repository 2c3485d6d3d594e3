using Kudos.ClusterTests.Infrastructure;
using Kudos.Testing;
using Xunit;

namespace Kudos.ClusterTests;

/// <summary>Three silo processes and the API; one silo dies by SIGKILL while boards fall due.</summary>
public sealed class CrashTests(ITestOutputHelper output)
{
    private const int BoardCount = 200;

    [Fact(Timeout = 240_000)]
    public async Task Every_board_is_delivered_when_a_silo_is_killed_mid_way()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var stack = await KudosStack.StartClusterAsync("crash", 3, ct);

        // 200 boards due over the next minute (the first ones after the creation burst).
        var created = DateTimeOffset.UtcNow;
        var first = created.AddSeconds(15);
        var boards = await Boards.CreateAsync(stack, "crash", Boards.Spread(first, TimeSpan.FromSeconds(45), BoardCount), ct);
        output.WriteLine($"{BoardCount} boards created from {created:HH:mm:ss.fff} to {DateTimeOffset.UtcNow:HH:mm:ss.fff}, due {first:HH:mm:ss.fff} to {boards[^1].DeliverAt:HH:mm:ss.fff}");

        // Mid-way: a quarter of the boards already delivered, most still to come.
        var midway = first.AddSeconds(15);
        var delay = midway - DateTimeOffset.UtcNow;
        if (delay > TimeSpan.Zero)
        {
            await stack.Smtp.WaitForMessagesAsync(BoardCount, delay, null, ct); // a bounded wait that also shows progress
        }

        var killedAt = DateTimeOffset.UtcNow;
        await stack.StopSiloAsync(1, kill: true);
        var detected = await Cluster.WaitDeclaredDeadAsync(stack, stack.SiloPort(1), killedAt, TimeSpan.FromSeconds(30), ct);
        output.WriteLine($"silo1 killed (SIGKILL) at {killedAt:HH:mm:ss.fff}; declared dead in the membership table {(detected is { } d ? $"{d.TotalSeconds:0.0} s" : "never (30 s)")} later");

        var report = await DeliveryReport.CollectAsync(stack, boards, boards[^1].DeliverAt - DateTimeOffset.UtcNow + TimeSpan.FromSeconds(60), KudosStack.ReminderPeriod * 3, ct);
        output.WriteLine(report.Describe());
        var lags = report.Lags.ToList();
        var afterKill = lags.Where(l => l.Board.DeliverAt >= killedAt && l.Board.DeliverAt <= killedAt + (detected ?? TimeSpan.Zero) + KudosStack.ReminderPeriod).ToList();
        var normal = lags.Where(l => !afterKill.Contains(l)).Select(l => l.Lag.TotalMilliseconds).Order().ToList();
        output.WriteLine($"lag behind deliverAt, boards outside the failure window: median {Median(normal):0} ms, max {normal.DefaultIfEmpty().Max():0} ms");
        if (afterKill.Count > 0)
        {
            output.WriteLine($"lag behind deliverAt, {afterKill.Count} boards due between the kill and detection + one period: max {afterKill.Max(l => l.Lag.TotalSeconds):0.0} s");
        }

        output.WriteLine($"duplicate emails: {report.Duplicates.Count}");
        Assert.True(detected is not null && detected < TimeSpan.FromSeconds(15), $"silo1 was not declared dead within 15 s.\n{stack.Logs}");
        Assert.True(report.Missing.Count == 0, $"{report.Describe()}\n{stack.Logs}");

        // A duplicate is acceptable only for a send in flight at the kill: its first copy was accepted around the kill,
        // before the dead silo's grain could record it.
        var unexplained = report.Duplicates.Where(d => (d.Mails[0].ReceivedAt - killedAt).Duration() > TimeSpan.FromSeconds(2)).ToList();
        Assert.True(unexplained.Count == 0, $"Duplicates not explained by the kill: {report.Describe()}");
    }

    private static double Median(IReadOnlyList<double> sorted) => sorted.Count == 0 ? 0 : sorted[sorted.Count / 2];
}
