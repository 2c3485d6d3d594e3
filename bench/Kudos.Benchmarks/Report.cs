using System.Globalization;
using System.Text;

namespace Kudos.Benchmarks;

/// <summary>BENCHMARKS.md: the run's context, the table, each scenario's details; a hand-written part is kept.</summary>
internal sealed class Report(Bench bench, string command)
{
    /// <summary>Everything from this line on in an existing report is kept when the report is rewritten.</summary>
    public const string ManualMarker = "<!-- written by hand below: kept when the benchmark rewrites this file -->";

    public const string TableHeader = "| id | scenario | result | target (2 cores) | verdict | load avg start → end | took |\n|---|---|---|---|---|---|---|";

    private readonly DateTimeOffset _started = DateTimeOffset.Now;
    private readonly List<ScenarioResult> _results = [];

    public void Add(ScenarioResult result) => _results.Add(result);

    public async Task WriteAsync(string path, CancellationToken ct)
    {
        var manual = File.Exists(path) ? await File.ReadAllTextAsync(path, ct) : "";
        var keep = manual.IndexOf(ManualMarker, StringComparison.Ordinal) is var at and >= 0 ? manual[at..] : ManualMarker + "\n";
        var text = new StringBuilder();
        text.AppendLine("# Benchmarks");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"Run started {_started:yyyy-MM-dd HH:mm zzz}, last written {DateTimeOffset.Now:yyyy-MM-dd HH:mm zzz} ({(bench.Options.Smoke ? "smoke sizes: the numbers mean nothing" : "full sizes")}).");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"- **Command**: `{command}` (from the repository root)");
        text.AppendLine(CultureInfo.InvariantCulture, $"- **Machine**: {bench.Machine}");
        text.AppendLine(CultureInfo.InvariantCulture, $"- **PostgreSQL**: {bench.Postgres}");
        text.AppendLine(CultureInfo.InvariantCulture, $"- **Settings** (silo and API environment): {bench.SettingsText}");
        text.AppendLine("- **Stack**: each scenario starts its own: a fresh migrated database, `deploy/local/smtp_server.py` (aiosmtpd), " +
            "silo process(es) and the API process, Release build, `Production` environment (console logging at the product's default level).");
        text.AppendLine("- **Load**: the 1/5/15-minute load averages from `/proc/loadavg` at the start and end of each scenario; other " +
            "engineers' builds and tests share this machine, so a load above 2 means the benchmark did not have the cores to itself.");
        text.AppendLine();
        text.AppendLine(TableHeader);
        var ordered = _results.OrderBy(r => r.Id, StringComparer.Ordinal).ToList();
        foreach (var result in ordered)
        {
            text.AppendLine(result.Row());
        }

        foreach (var result in ordered)
        {
            text.AppendLine();
            text.AppendLine(CultureInfo.InvariantCulture, $"## {result.Id}: {result.Title}");
            text.AppendLine();
            if (result.Settings.Length > 0)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"Settings: {result.Settings}");
                text.AppendLine();
            }

            foreach (var line in result.Details)
            {
                text.AppendLine(line);
            }
        }

        text.AppendLine();
        text.Append(keep);
        await File.WriteAllTextAsync(path, text.ToString(), ct);
    }
}
