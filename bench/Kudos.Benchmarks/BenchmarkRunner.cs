using System.Diagnostics;
using Kudos.Benchmarks.Scenarios;
using Kudos.Benchmarks.Support;

namespace Kudos.Benchmarks;

/// <summary>The program: a PostgreSQL when none is given, then each scenario on its own fresh stack, then the report.</summary>
internal static class BenchmarkRunner
{
    public static async Task<int> RunAsync(string[] args)
    {
        var options = BenchOptions.Parse(args, out var error);
        if (options is null)
        {
            Console.Error.WriteLine(error is { Length: > 0 } ? $"Kudos.Benchmarks: {error}\n{BenchOptions.Usage}" : BenchOptions.Usage);
            return error is { Length: > 0 } ? 2 : 0;
        }

        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cancel.Cancel();
        };

        await using var postgres = await PrivatePostgres.EnsureAsync(cancel.Token);
        var bench = new Bench(options, postgres.Description);
        var report = new Report(bench, CommandLine(args));
        Console.WriteLine($"Kudos benchmarks ({(options.Smoke ? "smoke" : "full")}): {string.Join(", ", options.Scenarios)}; {bench.Machine}");
        Console.WriteLine(Report.TableHeader);
        var failures = 0;
        // P3 idles for half an hour: run it last, so the short scenarios are on record early.
        foreach (var id in options.Scenarios.OrderBy(id => id == "P3"))
        {
            var scenario = Create(id);
            var loadStart = LoadAverage.Read();
            var clock = Stopwatch.StartNew();
            ScenarioResult result;
            try
            {
                result = await scenario.RunAsync(bench, cancel.Token);
            }
            catch (Exception e) when (!cancel.IsCancellationRequested)
            {
                // A broken scenario is reported and the others still run: this is a measurement, not a test.
                failures++;
                result = new ScenarioResult(id, scenario.Title, "", $"did not complete: {e.GetType().Name}: {FirstLine(e.Message)}", scenario.Target, "error");
                result.Details.Add($"Error: `{e.GetType().Name}`: {e.Message.Replace('\n', ' ')}");
                Console.Error.WriteLine($"{id} failed: {e}");
            }

            result.LoadStart = loadStart;
            result.LoadEnd = LoadAverage.Read();
            result.Elapsed = clock.Elapsed;
            report.Add(result);
            Console.WriteLine(result.Row());
            if (options.Output.Length > 0)
            {
                // Written after every scenario, so a long run interrupted later keeps what finished.
                await report.WriteAsync(options.Output, cancel.Token);
            }
        }

        if (options.Output.Length > 0)
        {
            Console.WriteLine($"Report: {Path.GetFullPath(options.Output)}");
        }

        return failures == 0 ? 0 : 1;
    }

    private static IScenario Create(string id) => id switch
    {
        "P1" => new DeliveryPrecision(),
        "P2" => new BurstThroughput(),
        "P3" => new IdleCost(),
        "P4" => new CardWrites(),
        "P5" => new Failover(),
        _ => throw new ArgumentOutOfRangeException(nameof(id), id, "unknown scenario"),
    };

    private static string CommandLine(string[] args) =>
        Environment.GetEnvironmentVariable("KUDOS_BENCH_COMMAND") is { Length: > 0 } command
            ? command
            : $"dotnet run -c Release --project bench/Kudos.Benchmarks -- {string.Join(' ', args)}".TrimEnd();

    private static string FirstLine(string text) => text.Split('\n', 2)[0].Trim();
}
