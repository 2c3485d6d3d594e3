namespace Kudos.Benchmarks;

/// <summary>Command-line options: which scenarios, full or smoke size, where the report goes.</summary>
internal sealed record BenchOptions(IReadOnlyList<string> Scenarios, bool Smoke, string Output, TimeSpan? P3Idle, IReadOnlyList<int>? P3Boards = null)
{
    public static readonly IReadOnlyList<string> AllScenarios = ["P1", "P2", "P3", "P4", "P5"];

    public const string Usage = """
        usage: Kudos.Benchmarks [--all | --scenario P1,P2,...] [--smoke] [--output FILE] [--p3-idle-minutes M] [--p3-boards N,N,...]
          --all               every scenario (the default)
          --scenario LIST     only these scenarios (P1 delivery precision, P2 burst, P3 idle cost, P4 card writes, P5 failover)
          --smoke             seconds-long run with tiny sizes and test-tuned timings (CI); numbers mean nothing
          --output FILE       the Markdown report (default BENCHMARKS.md at the repository root; smoke: none unless given)
          --p3-idle-minutes M idle time per P3 step (default 10)
          --p3-boards LIST    P3's board counts, ascending (default 1000,10000,100000)
        Without KUDOS_TEST_POSTGRES a private PostgreSQL (with pg_stat_statements) is started and stopped.
        """;

    public static BenchOptions? Parse(IReadOnlyList<string> args, out string? error)
    {
        error = null;
        var scenarios = AllScenarios.ToList();
        var smoke = false;
        string? output = null;
        TimeSpan? idle = null;
        List<int>? boards = null;
        for (var i = 0; i < args.Count; i++)
        {
            string? Next() => i + 1 < args.Count ? args[++i] : null;
            switch (args[i])
            {
                case "--all":
                    scenarios = [.. AllScenarios];
                    break;
                case "--smoke":
                    smoke = true;
                    break;
                case "--scenario" or "--scenarios":
                    var list = Next();
                    scenarios = list?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                        .Select(s => s.ToUpperInvariant()).ToList() ?? [];
                    var unknown = scenarios.Except(AllScenarios).ToList();
                    if (scenarios.Count == 0 || unknown.Count > 0)
                    {
                        error = $"--scenario: expected a list of {string.Join(",", AllScenarios)}, got '{list}'";
                        return null;
                    }

                    break;
                case "--output":
                    output = Next();
                    if (string.IsNullOrWhiteSpace(output))
                    {
                        error = "--output needs a file name";
                        return null;
                    }

                    break;
                case "--p3-idle-minutes":
                    if (!double.TryParse(Next(), System.Globalization.CultureInfo.InvariantCulture, out var minutes) || minutes <= 0)
                    {
                        error = "--p3-idle-minutes needs a positive number";
                        return null;
                    }

                    idle = TimeSpan.FromMinutes(minutes);
                    break;
                case "--p3-boards":
                    boards = (Next() ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                        .Select(n => int.TryParse(n, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var v) ? v : 0)
                        .ToList();
                    if (boards.Count == 0 || boards.Any(n => n <= 0) || !boards.SequenceEqual(boards.Order().Distinct()))
                    {
                        error = "--p3-boards needs ascending positive counts, e.g. 1000,10000";
                        return null;
                    }

                    break;
                case "--help" or "-h":
                    error = "";
                    return null;
                default:
                    error = $"unknown option '{args[i]}'";
                    return null;
            }
        }

        // Keep the canonical order whatever order was asked for.
        var ordered = AllScenarios.Where(scenarios.Contains).ToList();
        return new BenchOptions(ordered, smoke, output ?? (smoke ? "" : DefaultOutput()), idle, boards);
    }

    private static string DefaultOutput() => Path.Combine(Kudos.Testing.RepoPaths.Root, "BENCHMARKS.md");
}
