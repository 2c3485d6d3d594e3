using System.Text.RegularExpressions;
using Kudos.Testing;

namespace Kudos.Benchmarks.Support;

/// <summary>
/// The warnings and errors a stack's processes logged, counted by category and message shape, and the full logs kept in a
/// file for reading afterwards.
/// </summary>
internal static partial class LogSummary
{
    public static async Task<IReadOnlyList<string>> SaveAndSummarizeAsync(KudosStack stack, string scenario, CancellationToken ct)
    {
        var folder = Path.Combine(Path.GetTempPath(), "kudos-bench-logs");
        Directory.CreateDirectory(folder);
        var file = Path.Combine(folder, $"{scenario}-{DateTimeOffset.UtcNow:yyyyMMdd'T'HHmmss}.log");
        var logs = stack.Logs;
        await File.WriteAllTextAsync(file, logs, ct);
        var shapes = logs.Split('\n')
            .Select(l => Level().Match(l))
            .Where(m => m.Success)
            .GroupBy(m => $"{m.Groups[1].Value} {m.Groups[2].Value}: {Shape(m.Groups[3].Value)}")
            .OrderByDescending(g => g.Count())
            .Take(6)
            .Select(g => $"  - {g.Count():N0} × `{g.Key.Replace('`', '\'')}`")
            .ToList();
        return [$"- Warnings and errors the silo(s) and API logged (full logs: `{file}`): {(shapes.Count == 0 ? "none" : "")}", .. shapes];
    }

    /// <summary>How many lines the stack's processes have logged so far.</summary>
    public static int LineCount(KudosStack stack) => stack.Logs.Count(c => c == '\n');

    private static string Shape(string message)
    {
        var shape = Digits().Replace(message.Trim(), "#");
        return shape.Length <= 90 ? shape : shape[..90] + "…";
    }

    // "12:34:56.789 warn: Category[12] message" (the simple console formatter, single line).
    [GeneratedRegex(@"\b(warn|fail|crit): ([\w.]+)\[\d+\] (.*)$")]
    private static partial Regex Level();

    [GeneratedRegex(@"[0-9a-f]{8,}|\d+")]
    private static partial Regex Digits();
}
