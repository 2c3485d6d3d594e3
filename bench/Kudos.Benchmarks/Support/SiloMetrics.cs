using System.Globalization;

namespace Kudos.Benchmarks.Support;

/// <summary>The silo's Prometheus text at <c>/metrics</c>, summed over label sets by metric name.</summary>
internal sealed class SiloMetrics(IReadOnlyDictionary<string, double> values, IReadOnlyDictionary<string, double> series)
{
    public static async Task<SiloMetrics> ScrapeAsync(Uri siloHttp, CancellationToken ct)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(20) };
        var values = new Dictionary<string, double>();
        var series = new Dictionary<string, double>();
        try
        {
            var text = await http.GetStringAsync(new Uri(siloHttp, "/metrics"), ct);
            foreach (var line in text.Split('\n'))
            {
                if (line.Length == 0 || line[0] == '#')
                {
                    continue;
                }

                var nameEnd = line.IndexOfAny(['{', ' ']);
                var valueStart = line.LastIndexOf(' ');
                // "name{labels} value [timestamp]": take the value after the label set.
                var afterLabels = line.IndexOf('}') is var close and > 0 ? close + 1 : nameEnd;
                var rest = line[afterLabels..].Trim().Split(' ');
                if (nameEnd <= 0 || valueStart <= 0 || rest.Length == 0 || !double.TryParse(rest[0], CultureInfo.InvariantCulture, out var value))
                {
                    continue;
                }

                var name = line[..nameEnd];
                values[name] = values.GetValueOrDefault(name) + value;
                series[line[..afterLabels]] = value;
            }
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            // A killed silo has no metrics: report what the others have.
        }

        return new SiloMetrics(values, series);
    }

    public double Get(string name) => values.GetValueOrDefault(name);

    /// <summary>The full name of the first metric whose name starts with <paramref name="prefix"/> (exporters add unit suffixes).</summary>
    public string NameWithPrefix(string prefix) =>
        values.Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal).FirstOrDefault() ?? prefix;

    /// <summary><see cref="Get"/> of <see cref="NameWithPrefix"/>: all its series summed.</summary>
    public double GetPrefixed(string prefix) => Get(NameWithPrefix(prefix));

    /// <summary>The sum of a metric's series (by name prefix) whose label has the given value.</summary>
    public double Series(string prefix, string label, string value)
    {
        var name = NameWithPrefix(prefix);
        return series.Where(kv => kv.Key.StartsWith(name + "{", StringComparison.Ordinal) && LabelValue(kv.Key, label) == value).Sum(kv => kv.Value);
    }

    /// <summary>"board 12, emaildispatch 3" for a counter's series, by the value of one label.</summary>
    public string ByLabel(string name, string label)
    {
        var parts = series
            .Where(kv => kv.Key.StartsWith(name + "{", StringComparison.Ordinal) && kv.Value > 0)
            .Select(kv => (Label: LabelValue(kv.Key, label), kv.Value))
            .GroupBy(x => x.Label, x => x.Value)
            .Select(g => (Label: g.Key, Value: g.Sum()))
            .OrderByDescending(x => x.Value)
            .Select(x => $"{x.Label} {x.Value:N0}")
            .ToList();
        return parts.Count == 0 ? "none" : string.Join(", ", parts);
    }

    /// <summary>"board 12 ms, …": a histogram's mean (in its own unit, milliseconds) per value of one label.</summary>
    public string MeanByLabel(string histogram, string label, IReadOnlyList<string> values)
    {
        double Sum(string suffix, string value) => series
            .Where(kv => kv.Key.StartsWith(histogram + suffix + "{", StringComparison.Ordinal) && LabelValue(kv.Key, label) == value)
            .Sum(kv => kv.Value);
        return string.Join(", ", values.Select(v => (Value: v, Count: Sum("_count", v)))
            .Where(x => x.Count > 0)
            .Select(x => $"{x.Value} {Stats.Ms(Sum("_sum", x.Value) / x.Count)} over {x.Count:N0}"));
    }

    private static string LabelValue(string key, string label)
    {
        var at = key.IndexOf(label + "=\"", StringComparison.Ordinal);
        if (at < 0)
        {
            return "?";
        }

        var start = at + label.Length + 2;
        var end = key.IndexOf('"', start);
        return end < 0 ? "?" : key[start..end];
    }

    /// <summary>Sum and count of a histogram whose exported name starts with <paramref name="prefix"/>.</summary>
    public (double Sum, double Count) Histogram(string prefix)
    {
        var sum = values.Where(kv => kv.Key.StartsWith(prefix, StringComparison.Ordinal) && kv.Key.EndsWith("_sum", StringComparison.Ordinal)).Sum(kv => kv.Value);
        var count = values.Where(kv => kv.Key.StartsWith(prefix, StringComparison.Ordinal) && kv.Key.EndsWith("_count", StringComparison.Ordinal)).Sum(kv => kv.Value);
        return (sum, count);
    }

    /// <summary>"mean 12 ms over 1000" for a histogram in seconds, difference against an earlier scrape.</summary>
    public string MeanSince(SiloMetrics? before, string prefix)
    {
        var (sum, count) = Histogram(prefix);
        var (sum0, count0) = before?.Histogram(prefix) ?? (0, 0);
        return count - count0 <= 0 ? "no samples" : $"mean {Stats.Ms((sum - sum0) / (count - count0) * 1000)} over {count - count0:0}";
    }
}
