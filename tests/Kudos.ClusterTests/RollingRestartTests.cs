using Kudos.ClusterTests.Infrastructure;
using Kudos.Testing;
using Xunit;

namespace Kudos.ClusterTests;

/// <summary>Every silo is restarted gracefully, one at a time, while boards fall due.</summary>
public sealed class RollingRestartTests(ITestOutputHelper output)
{
    private const int Silos = 3;
    private const int BoardCount = 120;

    [Fact(Timeout = 300_000)]
    public async Task A_rolling_restart_during_deliveries_loses_nothing()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var stack = await KudosStack.StartClusterAsync("rolling", Silos, ct);

        var first = DateTimeOffset.UtcNow.AddSeconds(8);
        var boards = await Boards.CreateAsync(stack, "rolling", Boards.Spread(first, TimeSpan.FromSeconds(45), BoardCount), ct);
        output.WriteLine($"{BoardCount} boards due {first:HH:mm:ss.fff} to {boards[^1].DeliverAt:HH:mm:ss.fff}");

        for (var i = 0; i < Silos; i++)
        {
            var stopping = DateTimeOffset.UtcNow;
            await stack.StopSiloAsync(i, kill: false);
            Assert.False(stack.IsSiloRunning(i), $"silo{i} did not stop on SIGTERM.\n{stack.SiloLog(i)}");
            var stopped = DateTimeOffset.UtcNow;
            // Started means "Application started": the Orleans silo is Active in the cluster by then, so it is ready.
            await stack.StartSiloAsync(i, ct);
            var (ready, body) = await Cluster.ReadinessAsync(stack.SiloHttp(i), ct);
            Assert.True(ready == System.Net.HttpStatusCode.OK, $"silo{i} was not ready once started again: {(int)ready} {body}\n{stack.SiloLog(i)}");
            output.WriteLine($"silo{i}: SIGTERM {stopping:HH:mm:ss.fff}, exited after {(stopped - stopping).TotalSeconds:0.0} s, ready again {(DateTimeOffset.UtcNow - stopped).TotalSeconds:0.0} s later");
        }

        var report = await DeliveryReport.CollectAsync(stack, boards, boards[^1].DeliverAt - DateTimeOffset.UtcNow + TimeSpan.FromSeconds(60), KudosStack.ReminderPeriod * 3, ct);
        output.WriteLine(report.Describe());
        var lags = report.Lags.Select(l => l.Lag.TotalMilliseconds).Order().ToList();
        output.WriteLine($"lag behind deliverAt: median {lags[lags.Count / 2]:0} ms, max {lags[^1]:0} ms; duplicate emails: {report.Duplicates.Count}");
        Assert.True(report.Missing.Count == 0, $"{report.Describe()}\n{stack.Logs}");
        Assert.True(report.Duplicates.Count == 0, $"A graceful stop must not resend: {report.Describe()}");
    }
}
