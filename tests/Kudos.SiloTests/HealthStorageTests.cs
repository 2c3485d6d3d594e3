using Kudos.Grains;
using Kudos.Grains.Analytics;
using Kudos.Grains.Email;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using Xunit;

namespace Kudos.SiloTests;

/// <summary>
/// The health figures stored by the single health grain before the partitions (every open dispatch in one row) are handed
/// to the partitions when the cluster view first loads, and dropped from that row.
/// </summary>
public sealed class HealthStorageTests(InProcessSilo silo) : IClassFixture<InProcessSilo>
{
    [Fact(Timeout = 60_000)]
    public async Task Open_dispatches_stored_by_the_single_health_grain_are_handed_to_the_partitions()
    {
        var now = DateTimeOffset.UtcNow;
        var storage = silo.Services.GetRequiredKeyedService<IGrainStorage>(StorageNames.Kudos);
        var row = GrainId.Create("emailhealth", HealthKeys.Cluster);
        await storage.WriteStateAsync("email-health", row, new GrainState<LegacyHealthState>(new LegacyHealthState
        {
            Pending = new() { ["legacy/1"] = now.AddMinutes(-10), ["legacy/2"] = now.AddMinutes(-1) },
            Sending = ["legacy/3"],
            Held = ["legacy/4"],
            Failures = [now.AddHours(-1)],
            SentCount = 5,
            SentAttempts = 6,
        }));

        var health = silo.Grains.GetGrain<IEmailHealthGrain>(HealthKeys.Cluster);
        var view = await health.GetAsync();
        Assert.Equal((2, 1, 1), (view.Pending, view.Sending, view.Held));
        Assert.True(view.OldestPendingAge >= TimeSpan.FromMinutes(10), $"oldest pending: {view.OldestPendingAge}");

        var stored = new GrainState<EmailHealthState>(new EmailHealthState());
        await storage.ReadStateAsync("email-health", row, stored);
        Assert.Null(stored.State!.Pending);
        Assert.Null(stored.State.Sending);

        // The dispatch's next signal, whatever its version, replaces what was handed over.
        await silo.Grains.GetGrain<IEmailHealthPartitionGrain>(HealthKeys.Partition("legacy/1"))
            .ApplyAsync([new HealthSignal("legacy/1", DispatchStatus.Sending, now.AddMinutes(-10), 1, now, false, 0)]);
        view = await health.GetAsync();
        Assert.Equal((1, 2, 1), (view.Pending, view.Sending, view.Held));
    }

    /// <summary>The row the single health grain wrote (System.Text.Json; property names are the stored JSON).</summary>
    private sealed class LegacyHealthState
    {
        public Dictionary<string, DateTimeOffset> Pending { get; set; } = [];

        public HashSet<string> Sending { get; set; } = [];

        public HashSet<string> Held { get; set; } = [];

        public List<DateTimeOffset> Failures { get; set; } = [];

        public long SentCount { get; set; }

        public long SentAttempts { get; set; }

        public bool InIncident { get; set; }
    }
}
