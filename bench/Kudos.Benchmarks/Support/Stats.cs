namespace Kudos.Benchmarks.Support;

/// <summary>Percentiles (nearest rank) and formatting.</summary>
internal static class Stats
{
    public static double Percentile(IReadOnlyList<double> sorted, double p)
    {
        if (sorted.Count == 0)
        {
            return double.NaN;
        }

        var rank = (int)Math.Ceiling(p / 100 * sorted.Count);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Count - 1)];
    }

    /// <summary>"p50 12 ms · p95 … · max …" of values in milliseconds.</summary>
    public static string Summary(IEnumerable<double> milliseconds)
    {
        var sorted = milliseconds.Order().ToList();
        return sorted.Count == 0
            ? "no samples"
            : $"p50 {Ms(Percentile(sorted, 50))} · p95 {Ms(Percentile(sorted, 95))} · p99 {Ms(Percentile(sorted, 99))} · max {Ms(sorted[^1])}";
    }

    public static string Ms(double milliseconds) =>
        Math.Abs(milliseconds) >= 10_000 ? $"{milliseconds / 1000:0.0} s" : $"{milliseconds:0} ms";
}
