using System.Globalization;
using Kudos.Benchmarks.Support;

namespace Kudos.Benchmarks.Scenarios;

/// <summary>P1: boards due at instants spread over a window; how late does the SMTP server get each delivery?</summary>
internal sealed class DeliveryPrecision : IScenario
{
    public string Title => "boards due at spread instants";

    public string Target => "p99 ≤ 1 s";

    public async Task<ScenarioResult> RunAsync(Bench bench, CancellationToken ct)
    {
        var sizes = bench.Sizes;
        await using var stack = await bench.StartStackAsync("bench-p1", 1, ct);
        var first = DateTimeOffset.UtcNow + sizes.P1Lead;
        var step = sizes.P1Window / sizes.P1Boards;
        var created = await BoardLoad.CreateAsync(stack, 0, sizes.P1Boards, i => first + (step * i), sizes.CreateConcurrency, ct);
        bench.CreationRate = created.Rate;
        var createdBy = DateTimeOffset.UtcNow;
        var linesBefore = LogSummary.LineCount(stack);
        var metrics = await SiloMetrics.ScrapeAsync(stack.SiloHttp(0), ct);
        var pid = SiloProcess.FindPid(stack, 0);
        var cpu = pid is { } p ? SiloProcess.CpuSeconds(p) : null;

        var lastDue = first + (step * (sizes.P1Boards - 1));
        var complete = await SmtpProgress.WaitForCountAsync(stack.Smtp, 2 * created.Boards.Count, lastDue + TimeSpan.FromSeconds(60), ct);
        var deliveries = await Deliveries.ReadAsync(stack, created.Boards, ct);
        var logLines = LogSummary.LineCount(stack) - linesBefore;
        var after = await SiloMetrics.ScrapeAsync(stack.SiloHttp(0), ct);
        var cpuAfter = pid is { } q ? SiloProcess.CpuSeconds(q) : null;

        var sorted = deliveries.LagsMs.Order().ToList();
        var p99 = Stats.Percentile(sorted, 99);
        var verdict = bench.Options.Smoke ? "n/a" : p99 <= 1000 && deliveries.Lost == 0 ? "met" : "missed";
        var result = new ScenarioResult(
            "P1",
            $"{sizes.P1Boards:N0} boards due at spread instants over {sizes.P1Window.TotalSeconds:0} s",
            bench.SettingsText,
            $"{Stats.Summary(sorted)}; {deliveries.Integrity}",
            Target,
            verdict);
        result.Details.Add($"- Lag = the SMTP server's acceptance instant of the board's email − the board's `deliverAt`, one sample per board ({sorted.Count:N0} delivered).");
        result.Details.Add($"- {created.Describe()}; creation ended {(createdBy - first).TotalSeconds.ToString("+0.0;-0.0", CultureInfo.InvariantCulture)} s relative to the first instant (negative: before it), boards {step.TotalMilliseconds:0} ms apart.");
        result.Details.Add($"- Late beyond 100 ms: {sorted.Count(l => l > 100):N0}; beyond 1 s: {sorted.Count(l => l > 1000):N0}; beyond 5 s: {sorted.Count(l => l > 5000):N0}. Earliest lag {(sorted.Count > 0 ? Stats.Ms(sorted[0]) : "-")}.");
        result.Details.Add($"- Silo histograms during the window: `kudos.delivery.lag` (deliverAt → board unlocked) {after.MeanSince(metrics, "kudos_delivery_lag")}; " +
            $"`kudos.email.send.duration` (one send attempt, queue wait included) {after.MeanSince(metrics, "kudos_email_send_duration")}.");
        if (cpu is { } c0 && cpuAfter is { } c1)
        {
            var window = (DateTimeOffset.UtcNow - createdBy).TotalSeconds;
            result.Details.Add($"- Silo CPU over the delivery window: {c1 - c0:0.0} CPU-s in {window:0} s ({(c1 - c0) / window * 100:0} % of one core).");
        }

        result.Details.Add($"- Log lines the silo and the API wrote over the delivery window: {logLines:N0}, {(double)logLines / Math.Max(1, sorted.Count):0.0} per delivered board (levels from `appsettings.json` unless `Logging__LogLevel__*` is set).");
        result.Details.Add($"- Every email accepted: {deliveries.Total:N0} ({deliveries.Others:N0} of them the owners' \"delivered\" notices){(complete ? "" : "; the wait ended at its deadline before all were in")}.");
        return result;
    }
}
