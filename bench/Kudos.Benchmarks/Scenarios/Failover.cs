using Kudos.Benchmarks.Support;

namespace Kudos.Benchmarks.Scenarios;

/// <summary>P5: two silos, many boards due within seconds, one silo killed with SIGKILL just before; how late are they?</summary>
internal sealed class Failover : IScenario
{
    public string Title => "silo killed (SIGKILL) just before many boards are due";

    public string Target => "≤ 20 s";

    public async Task<ScenarioResult> RunAsync(Bench bench, CancellationToken ct)
    {
        var sizes = bench.Sizes;
        var spread = bench.Options.Smoke ? TimeSpan.FromSeconds(1) : TimeSpan.FromSeconds(5);
        await using var stack = await bench.StartStackAsync("bench-p5", 2, ct);
        var first = DateTimeOffset.UtcNow + sizes.P5Lead;
        var step = spread / sizes.P5Boards;
        var created = await BoardLoad.CreateAsync(stack, 0, sizes.P5Boards, i => first + (step * i), sizes.CreateConcurrency, ct);
        var createdBy = DateTimeOffset.UtcNow;

        // Silo 1 holds about half of the reminder ring and of the board activations; kill it a second before the first instant.
        var killAt = first - TimeSpan.FromSeconds(1);
        if (killAt > DateTimeOffset.UtcNow)
        {
            await Task.Delay(killAt - DateTimeOffset.UtcNow, ct);
        }

        var killed = DateTimeOffset.UtcNow;
        await stack.StopSiloAsync(1, kill: true);
        var lastDue = first + (step * (sizes.P5Boards - 1));
        var complete = await SmtpProgress.WaitForCountAsync(stack.Smtp, 2 * created.Boards.Count, lastDue + TimeSpan.FromSeconds(bench.Options.Smoke ? 30 : 90), ct);
        var deliveries = await Deliveries.ReadAsync(stack, created.Boards, ct);
        var dispatches = await PgStats.DispatchStatusesAsync(stack.ConnectionString, ct);
        var lags = deliveries.LagsMs.Order().ToList();
        var worst = lags.Count == 0 ? double.NaN : lags[^1];
        var affected = lags.Count(l => l > 1000);
        var result = new ScenarioResult(
            "P5",
            $"2 silos, {sizes.P5Boards:N0} boards due over {spread.TotalSeconds:0} s, silo 1 SIGKILLed 1 s before the first",
            bench.SettingsText,
            $"worst delivery {Stats.Ms(worst)} after its instant ({affected:N0} boards later than 1 s; all: {Stats.Summary(lags)}); {deliveries.Integrity}",
            Target,
            bench.Options.Smoke ? "n/a" : worst <= 20_000 && deliveries.Lost == 0 ? "met" : "missed");
        result.Details.Add($"- {created.Describe()}; creation ended {(first - createdBy).TotalSeconds:0.0} s before the first instant; silo 1 killed at {(killed - first).TotalSeconds:+0.0;-0.0} s.");
        result.Details.Add($"- Last delivery accepted {((deliveries.Last ?? killed) - killed).TotalSeconds:0.0} s after the kill. Boards later than 1 s are the ones whose reminder or activation was on the killed silo: " +
            $"they wait for the membership to declare it dead (probes) and then for the next reminder period ({bench.ReminderPeriod.TotalSeconds:0} s).");
        var late = lags.Where(l => l > 1000).ToList();
        if (late.Count > 0)
        {
            result.Details.Add($"- Those {late.Count:N0} late boards: {Stats.Summary(late)}; the others: {Stats.Summary(lags.Where(l => l <= 1000))}.");
        }

        if (dispatches is not null)
        {
            result.Details.Add($"- Afterwards in the database: dispatches by status {dispatches}.");
        }

        result.Details.AddRange(await LogSummary.SaveAndSummarizeAsync(stack, "Failover", ct));
        result.Details.Add($"- Every email accepted: {deliveries.Total:N0} ({deliveries.Others:N0} owner notices){(complete ? "" : "; the wait ended at its deadline before all were in")}.");
        return result;
    }
}
