using System.Globalization;
using Kudos.Benchmarks.Support;

namespace Kudos.Benchmarks.Scenarios;

/// <summary>P3: many boards scheduled far ahead, then nothing happens; what does waiting cost in queries and memory?</summary>
internal sealed class IdleCost : IScenario
{
    public string Title => "boards scheduled far ahead, idle";

    public string Target => "rows read per minute and silo RSS flat in N; ≤ 1 KB per idle scheduled board";

    public async Task<ScenarioResult> RunAsync(Bench bench, CancellationToken ct)
    {
        var sizes = bench.Sizes;
        var idle = bench.Options.P3Idle ?? sizes.P3Idle;
        var counts = bench.Options.P3Boards ?? sizes.P3Boards;
        var settle = bench.Options.Smoke ? TimeSpan.FromSeconds(1) : TimeSpan.FromSeconds(10);
        await using var stack = await bench.StartStackAsync("bench-p3", 1, ct);
        var pid = SiloProcess.FindPid(stack, 0) ?? throw new InvalidOperationException("the silo's process was not found in /proc");
        var far = DateTimeOffset.UtcNow + TimeSpan.FromDays(30);
        var steps = new List<Step>();
        var existing = 0;
        // N = 0 first (a shorter idle): the silo's own background cost, the baseline for memory per board.
        foreach (var n in counts.Prepend(0))
        {
            CreateResult? created = null;
            if (n > existing)
            {
                created = await BoardLoad.CreateAsync(stack, existing, n - existing, i => far + TimeSpan.FromSeconds(i), sizes.CreateConcurrency, ct);
                existing += created.Boards.Count + created.Failed;
            }

            await Task.Delay(settle, ct);
            var before = await PgStats.SnapshotAsync(stack.ConnectionString, ct);
            var cpu0 = SiloProcess.CpuSeconds(pid);
            var wait = n == 0 ? TimeSpan.FromTicks(Math.Min(idle.Ticks, TimeSpan.FromMinutes(1).Ticks)) : idle;
            Console.WriteLine($"  P3: N={n:N0} idle for {wait.TotalMinutes:0.#} min{(created is null ? "" : $" ({created.Describe()})")}");
            await Task.Delay(wait, ct);
            var after = await PgStats.SnapshotAsync(stack.ConnectionString, ct);
            var cpu1 = SiloProcess.CpuSeconds(pid);
            var metrics = await SiloMetrics.ScrapeAsync(stack.SiloHttp(0), ct);
            steps.Add(new Step(n, created, before, after, SiloProcess.RssBytes(pid) ?? 0, cpu1 - cpu0, metrics));
        }

        var baseline = steps[0];
        var measured = steps.Skip(1).ToList();
        string PerMinute(Step s, Func<PgSnapshot, long> value) => $"{(value(s.After) - value(s.Before)) / s.Minutes:0.#}";
        var smallest = measured[0];
        var largest = measured[^1];
        var perBoard = (largest.Rss - baseline.Rss) / (double)largest.N;
        var slope = measured.Count > 1 ? (largest.Rss - measured[^2].Rss) / (double)(largest.N - measured[^2].N) : perBoard;
        double Calls(Step s) => (s.After.Calls - s.Before.Calls) / s.Minutes;
        double Reads(Step s) => (s.After.TuplesRead - s.Before.TuplesRead) / s.Minutes;
        var hasStatements = largest.After.HasStatements;
        var flat = hasStatements
            ? Calls(largest) <= (Calls(smallest) * 1.5) + 5 && Reads(largest) <= (Reads(smallest) * 1.5) + 100
            : Reads(largest) <= (Reads(smallest) * 1.5) + 100;

        var rows = string.Join("; ", measured.Select(s =>
            $"N={s.N:N0}: {(hasStatements ? PerMinute(s, x => x.Calls) + " stmts/min, " + PerMinute(s, x => x.Rows) + " rows/min, " : "")}" +
            $"{PerMinute(s, x => x.TuplesRead)} tuples read/min, RSS {s.Rss / 1048576.0:0} MB"));
        var result = new ScenarioResult(
            "P3",
            $"{string.Join(" / ", counts.Select(n => n.ToString("N0", CultureInfo.InvariantCulture)))} boards scheduled 30 days ahead, idle {idle.TotalMinutes:0.#} min each",
            bench.SettingsText,
            $"{rows}; memory ≈ {perBoard / 1024:0.0} KB per scheduled board (slope {slope / 1024:0.0} KB)",
            Target,
            bench.Options.Smoke ? "n/a" : flat && perBoard <= 1024 ? "met" : "missed");
        result.Details.Add("- One stack; N grows in steps (new boards added, none removed); after each step a settle of " +
            $"{settle.TotalSeconds:0} s, then the idle window measured. N = 0 is a shorter baseline window. Statements and rows come from " +
            "pg_stat_statements for this database (top-level statements; rows = rows returned or affected); tuples read = seq_tup_read + " +
            "idx_tup_fetch over its tables (pg_stat_user_tables). RSS = VmRSS of the silo process (/proc), at the end of the window.");
        result.Details.Add("");
        result.Details.Add("| N | created | window | statements/min | rows/min | tuples read/min | transactions/min | silo CPU | silo RSS | RSS − baseline per board |");
        result.Details.Add("|---|---|---|---|---|---|---|---|---|---|");
        foreach (var s in steps)
        {
            result.Details.Add($"| {s.N:N0} | {(s.Created is null ? "-" : $"{s.Created.Boards.Count:N0} at {s.Created.Rate:0}/s")} | {s.Minutes:0.#} min | " +
                $"{(hasStatements ? PerMinute(s, x => x.Calls) : "n/a")} | {(hasStatements ? PerMinute(s, x => x.Rows) : "n/a")} | {PerMinute(s, x => x.TuplesRead)} | " +
                $"{PerMinute(s, x => x.Transactions)} | {s.Cpu:0.0} CPU-s | {s.Rss / 1048576.0:0} MB | " +
                $"{(s.N == 0 ? "-" : $"{(s.Rss - baseline.Rss) / (double)s.N / 1024:0.0} KB")} |");
        }

        if (hasStatements)
        {
            result.Details.Add("");
            result.Details.Add($"Statements during the N = {largest.N:N0} window (calls per minute, rows per minute, mean time):");
            result.Details.Add("");
            foreach (var (delta, query) in PgStats.Top(largest.Before, largest.After, 6))
            {
                result.Details.Add($"- {delta.Calls / largest.Minutes:0.#}/min, {delta.Rows / largest.Minutes:0.#} rows/min, {delta.TotalMs / Math.Max(delta.Calls, 1):0.00} ms: `{PgStats.Short(query)}`");
            }
        }
        else
        {
            result.Details.Add("- pg_stat_statements is not loaded in this cluster (KUDOS_TEST_POSTGRES given without it): statements not counted.");
        }

        result.Details.Add("");
        result.Details.Add("What the silo holds at the end of each window (its /metrics: Orleans' activation gauge by grain type, the runtime's GC sizes after the last collection):");
        result.Details.Add("");
        result.Details.Add("| N | activations | by type | GC heap | GC committed | gen2 collections |");
        result.Details.Add("|---|---|---|---|---|---|");
        foreach (var s in steps)
        {
            result.Details.Add($"| {s.N:N0} | {s.Metrics.GetPrefixed("orleans_catalog_activations"):N0} | {s.Metrics.ByLabel(s.Metrics.NameWithPrefix("orleans_catalog_activations"), "type")} | " +
                $"{s.Metrics.GetPrefixed("dotnet_gc_last_collection_heap_size") / 1048576.0:0} MB | {s.Metrics.GetPrefixed("dotnet_gc_last_collection_memory_committed_size") / 1048576.0:0} MB | " +
                $"{s.Metrics.Series("dotnet_gc_collections", "gc_heap_generation", "gen2"):N0} |");
        }

        // What the silo's memory trim did (its Information line: managed heap and resident memory before and after).
        var trims = stack.Logs.Split('\n').Where(l => l.Contains("Memory trimmed", StringComparison.Ordinal)).ToList();
        result.Details.Add("");
        result.Details.Add($"The silo's memory trims ({trims.Count}):");
        result.Details.Add("");
        result.Details.AddRange(trims.Select(l => $"- `{l.Trim()}`"));
        result.Details.Add("");
        result.Details.AddRange(await LogSummary.SaveAndSummarizeAsync(stack, "IdleCost", ct));
        return result;
    }

    private sealed record Step(int N, CreateResult? Created, PgSnapshot Before, PgSnapshot After, long Rss, double? Cpu, SiloMetrics Metrics)
    {
        public double Minutes => Math.Max((After.At - Before.At).TotalMinutes, 1e-6);
    }
}
