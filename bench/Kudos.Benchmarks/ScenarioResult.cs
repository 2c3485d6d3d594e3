namespace Kudos.Benchmarks;

/// <summary>One scenario's row in the table, and its details for the report.</summary>
internal sealed class ScenarioResult(string id, string title, string settings, string result, string target, string verdict)
{
    public string Id { get; } = id;

    public string Title { get; } = title;

    public string Settings { get; } = settings;

    public string Result { get; } = result;

    public string Target { get; } = target;

    /// <summary><c>met</c>, <c>missed</c>, <c>n/a</c> (smoke sizes) or <c>error</c>.</summary>
    public string Verdict { get; } = verdict;

    public string LoadStart { get; set; } = "";

    public string LoadEnd { get; set; } = "";

    public TimeSpan Elapsed { get; set; }

    /// <summary>Markdown lines under the table: breakdowns, evidence, what was measured exactly.</summary>
    public List<string> Details { get; } = [];

    public string Row() => $"| {Id} | {Title} | {Result} | {Target} | {Verdict} | {LoadStart} → {LoadEnd} | {Elapsed.TotalMinutes:0.0} min |";
}

/// <summary>A benchmark scenario.</summary>
internal interface IScenario
{
    string Title { get; }

    string Target { get; }

    Task<ScenarioResult> RunAsync(Bench bench, CancellationToken ct);
}
