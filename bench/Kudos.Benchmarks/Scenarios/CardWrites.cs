using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Kudos.Benchmarks.Support;
using Npgsql;

namespace Kudos.Benchmarks.Scenarios;

/// <summary>P4: concurrent card posts over HTTP, against pgbench's single-row insert rate on the same database.</summary>
internal sealed partial class CardWrites : IScenario
{
    /// <summary>The board that is filled one card at a time: the product's limit per board.</summary>
    private const int FillCards = 500;

    /// <summary>How many of the first and of the last posts are compared (medians).</summary>
    private const int FillSample = 50;

    public string Title => "concurrent card posts over HTTP";

    public string Target => "≥ 30 % of pgbench, p99 ≤ 50 ms, the 500th card on a board ≤ 1.5 × the 1st";

    public async Task<ScenarioResult> RunAsync(Bench bench, CancellationToken ct)
    {
        var sizes = bench.Sizes;
        await using var stack = await bench.StartStackAsync("bench-p4", 1, ct);
        var created = await BoardLoad.CreateAsync(stack, 0, sizes.P4Boards, _ => DateTimeOffset.UtcNow + TimeSpan.FromDays(1), sizes.CreateConcurrency, ct);
        var boards = created.Boards;
        using var http = BoardLoad.CreateClient(stack.ApiBase, sizes.P4Concurrency);
        var message = string.Concat(Enumerable.Repeat("Thank you for everything. ", 6));

        async Task<(bool Ok, double Ms)> PostAsync(int sequence, CancellationToken token) => await PostToAsync(boards[sequence % boards.Count], sequence, token);

        async Task<(bool Ok, double Ms)> PostToAsync(CreatedBoard board, int sequence, CancellationToken token)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"api/boards/{board.Id}/cards")
            {
                Content = JsonContent.Create(new { authorName = $"Author {sequence}", message }),
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", board.ContributeKey);
            var started = Stopwatch.GetTimestamp();
            using var response = await http.SendAsync(request, token);
            return (response.StatusCode == HttpStatusCode.Created, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }

        // Warm-up (not measured): one card per board activates every board grain and opens the connections.
        await Parallel.ForEachAsync(Enumerable.Range(0, boards.Count), new ParallelOptions { MaxDegreeOfParallelism = sizes.P4Concurrency, CancellationToken = ct }, async (i, t) => await PostAsync(i, t));

        var before = await PgStats.SnapshotAsync(stack.ConnectionString, ct);
        var probe = await CpuProbe.CreateAsync(stack.ConnectionString, ct);
        var cpu = probe.Read();
        var sequence = boards.Count;
        var latencies = new List<double>[sizes.P4Concurrency];
        var errors = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, sizes.P4Concurrency).Select(async w =>
        {
            var mine = latencies[w] = [];
            while (clock.Elapsed < sizes.P4Duration)
            {
                var (ok, ms) = await PostAsync(Interlocked.Increment(ref sequence), ct);
                if (ok)
                {
                    mine.Add(ms);
                }
                else
                {
                    Interlocked.Increment(ref errors);
                }
            }
        }));
        var elapsed = clock.Elapsed;
        var cpuAfter = probe.Read();
        var after = await PgStats.SnapshotAsync(stack.ConnectionString, ct);
        var all = latencies.SelectMany(l => l).Order().ToList();
        var cardsPerSecond = all.Count / elapsed.TotalSeconds;

        // One board filled to its limit by one client: does a post cost more the fuller the board is?
        var full = (await BoardLoad.CreateAsync(stack, sizes.P4Boards, 1, _ => DateTimeOffset.UtcNow + TimeSpan.FromDays(1), 1, ct)).Boards[0];
        var filling = new List<double>(FillCards);
        for (var i = 0; i < FillCards; i++)
        {
            var (ok, ms) = await PostToAsync(full, i, ct);
            filling.Add(ok ? ms : double.NaN);
        }

        var firstCards = filling.Take(FillSample).Where(ms => !double.IsNaN(ms)).Order().ToList();
        var lastCards = filling.Skip(FillCards - FillSample).Where(ms => !double.IsNaN(ms)).Order().ToList();
        var (firstMedian, lastMedian) = (Stats.Percentile(firstCards, 50), Stats.Percentile(lastCards, 50));
        var growth = lastMedian / firstMedian;

        var (pgbenchTps, pgbenchLatency, pgbenchNote) = await PgbenchAsync(stack.ConnectionString, sizes.P4Concurrency, sizes.P4Duration, ct);
        var ratio = cardsPerSecond / pgbenchTps;
        var p99 = Stats.Percentile(all, 99);
        var result = new ScenarioResult(
            "P4",
            $"card posts over HTTP, {sizes.P4Concurrency} concurrent clients, {sizes.P4Boards} boards, {sizes.P4Duration.TotalSeconds:0} s",
            bench.SettingsText,
            $"{cardsPerSecond:0} cards/s, latency {Stats.Summary(all)}; pgbench single-row INSERT {pgbenchTps:0} tps ({sizes.P4Concurrency} clients); ratio {ratio:P0}; " +
            $"cards 1–{FillSample} on one board median {firstMedian:0.0} ms, cards {FillCards - FillSample + 1}–{FillCards} {lastMedian:0.0} ms ({growth:0.00} ×)" +
            (errors > 0 ? $"; {errors:N0} posts failed" : ""),
            Target,
            bench.Options.Smoke ? "n/a" : ratio >= 0.3 && p99 <= 50 && growth <= 1.5 ? "met" : "missed");
        result.Details.Add($"- {all.Count:N0} cards posted in {elapsed.TotalSeconds:0.0} s by {sizes.P4Concurrency} clients on loopback, spread round-robin over {boards.Count} boards " +
            $"(after one warm-up card per board, not counted); latency is the client's, request sent → response read. Each board ends with ~{(all.Count + boards.Count) / Math.Max(boards.Count, 1)} cards.");
        result.Details.Add($"- Growth: one more board filled with {FillCards} cards by one client, one post at a time (after the concurrent window); " +
            $"median latency of its first {FillSample} posts {firstMedian:0.0} ms (p95 {Stats.Percentile(firstCards, 95):0.0} ms), of its last {FillSample} {lastMedian:0.0} ms " +
            $"(p95 {Stats.Percentile(lastCards, 95):0.0} ms): the {FillCards}th card costs {growth:0.00} × the 1st" +
            (filling.Any(double.IsNaN) ? $"; {filling.Count(double.IsNaN)} posts failed" : "") + ".");
        result.Details.Add($"- pgbench on the same database, same number of clients and duration, `-j 2`, one custom single-row `INSERT` per transaction: {pgbenchTps:0} tps, mean latency {pgbenchLatency}. {pgbenchNote}");
        result.Details.Add($"- CPU during the posting window ({elapsed.TotalSeconds:0} s, {Environment.ProcessorCount} cores = {Environment.ProcessorCount * 100} %): {CpuProbe.Describe(cpu, cpuAfter, elapsed.TotalSeconds)}; " +
            "the load generator (this process) ran on the same cores.");
        if (before.HasStatements && all.Count > 0)
        {
            var calls = after.Calls - before.Calls;
            result.Details.Add($"- Database work per card (pg_stat_statements): {calls / (double)all.Count:0.00} statements, {(after.TuplesRead - before.TuplesRead) / (double)all.Count:0.0} tuples read. Top statements:");
            foreach (var (delta, query) in PgStats.Top(before, after, 4))
            {
                result.Details.Add($"  - {delta.Calls:N0} calls, mean {delta.TotalMs / Math.Max(delta.Calls, 1):0.00} ms, {delta.Rows:N0} rows: `{PgStats.Short(query)}`");
            }
        }

        result.Details.AddRange(await LogSummary.SaveAndSummarizeAsync(stack, "CardWrites", ct));
        return result;
    }

    private static async Task<(double Tps, string Latency, string Note)> PgbenchAsync(string connectionString, int clients, TimeSpan duration, CancellationToken ct)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        await using (var connection = new NpgsqlConnection(connectionString))
        {
            await connection.OpenAsync(ct);
            await using var create = new NpgsqlCommand(
                "create table if not exists bench_card (id bigserial primary key, board uuid not null, author text not null, message text not null, " +
                "created_at timestamptz not null default now())", connection);
            await create.ExecuteNonQueryAsync(ct);
        }

        var script = Path.Combine(Path.GetTempPath(), $"kudos-bench-{Environment.ProcessId}.sql");
        await File.WriteAllTextAsync(script,
            "INSERT INTO bench_card (board, author, message) VALUES (gen_random_uuid(), 'Author', repeat('Thank you for everything. ', 6));\n", ct);
        try
        {
            var info = new ProcessStartInfo(Pgbench())
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                WorkingDirectory = "/",
            };
            foreach (var argument in new[]
            {
                "-n", "-c", clients.ToString(CultureInfo.InvariantCulture), "-j", "2",
                "-T", Math.Max(1, (int)duration.TotalSeconds).ToString(CultureInfo.InvariantCulture), "-f", script,
                "-h", builder.Host!, "-p", builder.Port.ToString(CultureInfo.InvariantCulture), "-U", builder.Username!, builder.Database!,
            })
            {
                info.ArgumentList.Add(argument);
            }

            using var process = Process.Start(info) ?? throw new InvalidOperationException("could not start pgbench");
            var output = process.StandardOutput.ReadToEndAsync(ct);
            var errors = process.StandardError.ReadToEndAsync(ct);
            await process.WaitForExitAsync(ct);
            var text = await output;
            var tps = TpsLine().Match(text);
            if (process.ExitCode != 0 || !tps.Success)
            {
                throw new InvalidOperationException($"pgbench exited {process.ExitCode}: {text} {await errors}");
            }

            var latency = LatencyLine().Match(text);
            return (double.Parse(tps.Groups[1].Value, CultureInfo.InvariantCulture), latency.Success ? $"{latency.Groups[1].Value} ms" : "?", "");
        }
        finally
        {
            File.Delete(script);
        }
    }

    private static string Pgbench() =>
        Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin", "pgbench")).Where(File.Exists).OrderDescending().FirstOrDefault() ?? "pgbench"
            : "pgbench";

    [GeneratedRegex(@"tps = ([0-9.]+) \(without initial connection time\)")]
    private static partial Regex TpsLine();

    [GeneratedRegex(@"latency average = ([0-9.]+) ms")]
    private static partial Regex LatencyLine();
}
