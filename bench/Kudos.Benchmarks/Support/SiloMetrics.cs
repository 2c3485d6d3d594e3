using System.Globalization;

namespace Kudos.Benchmarks.Support;

/// <summary>The silo's Prometheus text at <c>/metrics</c>, summed over label sets by metric name.</summary>
internal sealed class SiloMetrics(IReadOnlyDictionary<string, double> values)
{
    public static async Task<SiloMetrics> ScrapeAsync(Uri siloHttp, CancellationToken ct)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(20) };
        var values = new Dictionary<string, double>();
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
            }
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            // A killed silo has no metrics: report what the others have.
        }

        return new SiloMetrics(values);
    }

    public double Get(string name) => values.GetValueOrDefault(name);

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
