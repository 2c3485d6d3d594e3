using System.Globalization;
using Kudos.Benchmarks.Support;
using Kudos.Testing;

namespace Kudos.Benchmarks;

/// <summary>What every scenario shares: options, sizes, the product's settings and how to start a stack with them.</summary>
internal sealed class Bench(BenchOptions options, string postgres)
{
    public BenchOptions Options { get; } = options;

    public Sizes Sizes { get; } = options.Smoke ? Sizes.Smoke : Sizes.Full;

    public string Machine { get; } = MachineInfo.Describe();

    public string Postgres { get; } = postgres;

    /// <summary>Boards created per second over HTTP, as last measured (sizes the lead time of P2).</summary>
    public double? CreationRate { get; set; }

    /// <summary>
    /// Production-like settings (the stack's own defaults are test-tuned: 2 s period, 0.5 s retries); the smoke run keeps
    /// test timings so it stays seconds-long.
    /// </summary>
    public IReadOnlyDictionary<string, string> Environment { get; } = options.Smoke
        ? new Dictionary<string, string>
        {
            ["Kudos__ReminderPeriod"] = "00:00:02",
            ["Orleans__Membership__ProbeTimeout"] = "00:00:01",
            ["Orleans__Membership__NumMissedProbesLimit"] = "2",
        }
        : new Dictionary<string, string>
        {
            ["Kudos__ReminderPeriod"] = "00:00:05",
            ["Smtp__Timeout"] = "00:00:30",
            ["Email__Retry__BaseDelay"] = "00:00:10",
            ["Email__Retry__Factor"] = "3",
            ["Email__Retry__MaxAttempts"] = "6",
        };

    /// <summary>The settings in force, for the report.</summary>
    public string SettingsText => string.Join(", ", Environment.Select(kv => $"`{kv.Key.Replace("__", ":", StringComparison.Ordinal)}={kv.Value}`"))
        + (Options.Smoke ? "" : "; everything else at the product's defaults (`Smtp:MaxConnections=4` per silo, membership probes 2 s × 3)");

    public TimeSpan ReminderPeriod => TimeSpan.Parse(Environment["Kudos__ReminderPeriod"], CultureInfo.InvariantCulture);

    public async Task<KudosStack> StartStackAsync(string name, int silos, CancellationToken ct)
    {
        var stack = silos == 1
            ? await KudosStack.StartAsync(name, ct, Environment)
            : await KudosStack.StartClusterAsync(name, silos, ct, Environment);
        await PgStats.TryEnableAsync(stack.ConnectionString, ct);
        return stack;
    }
}
