using Kudos.Grains;
using Kudos.Grains.Analytics;
using Kudos.Grains.Email;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using Xunit;

namespace Kudos.SiloTests;

/// <summary>Email analytics are rows of <c>kudos_email_stats</c>: increments once per id, written together, and the former grain's days carried over.</summary>
public sealed class EmailStatsStoreTests(InProcessSilo silo) : IClassFixture<InProcessSilo>
{
    [Fact(Timeout = 60_000)]
    public async Task Increments_arriving_together_count_once_per_id_and_read_back_by_type_and_tenant()
    {
        var store = silo.Services.GetRequiredService<IEmailStatsStore>();
        var day = UniqueDay();

        // 300 increments at once (most share a statement), every one of them twice, and one more id reported again later.
        var increments = Enumerable.Range(0, 300).Select(i => i switch
        {
            < 200 => store.IncrementAsync(day, "delivery", null, EmailCounters.Sent, $"d/{i}"),
            < 250 => store.IncrementAsync(day, "delivery", "acme", EmailCounters.Sent, $"a/{i}"),
            _ => store.IncrementAsync(day, "invitation", null, EmailCounters.Failed, $"i/{i}"),
        }).ToList();
        await Task.WhenAll(increments.Concat(Enumerable.Range(0, 300).Select(i => store.IncrementAsync(day, "delivery", null, EmailCounters.Sent, $"d/{i % 200}"))));
        await store.IncrementAsync(day, "delivery", null, EmailCounters.Sent, "d/7");
        await store.IncrementAsync(day, "delivery", null, EmailCounters.Delivered, "d/7");

        var rows = await store.ReadAsync(day);
        var date = day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(
            [
                new EmailStatsRow(date, "delivery", "", Sent: 200, Delivered: 1, 0, 0, 0, 0, 0, 0),
                new EmailStatsRow(date, "delivery", "acme", Sent: 50, 0, 0, 0, 0, 0, 0, 0),
                new EmailStatsRow(date, "invitation", "", 0, 0, 0, 0, 0, 0, Failed: 50, 0),
            ],
            rows);
        Assert.Empty(await store.ReadAsync(day.AddDays(1)));
    }

    [Fact(Timeout = 60_000)]
    public async Task Days_the_former_grain_stored_are_copied_by_the_schema_script_once_and_counting_goes_on_where_it_stopped()
    {
        var ct = TestContext.Current.CancellationToken;
        var day = UniqueDay();
        var date = day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var storage = silo.Services.GetRequiredKeyedService<IGrainStorage>(StorageNames.Kudos);
        var former = new FormerStats
        {
            Rows = new() { ["delivery|"] = new() { ["sent"] = 2, ["delivered"] = 1 }, ["invitation|acme"] = new() { ["failed"] = 1 } },
            Applied = ["sent|board-delivery/1", "sent|board-delivery/2", "delivered|board-delivery/1", "failed|invite/1"],
        };
        await storage.WriteStateAsync("email-stats", GrainId.Create("emailstats", date), new GrainState<FormerStats>(former));

        // The script ran when the database was created (before this row existed); it runs the same on an upgraded one.
        await silo.RunSchemaScriptAsync("009_kudos_email_stats.sql", ct);
        await silo.RunSchemaScriptAsync("009_kudos_email_stats.sql", ct);

        var store = silo.Services.GetRequiredService<IEmailStatsStore>();
        await store.IncrementAsync(day, "delivery", null, EmailCounters.Sent, "board-delivery/2");
        await store.IncrementAsync(day, "delivery", null, EmailCounters.Sent, "board-delivery/3");
        Assert.Equal(
            [
                new EmailStatsRow(date, "delivery", "", Sent: 3, Delivered: 1, 0, 0, 0, 0, 0, 0),
                new EmailStatsRow(date, "invitation", "acme", 0, 0, 0, 0, 0, 0, Failed: 1, 0),
            ],
            await store.ReadAsync(day));
    }

    /// <summary>A day no other test counts on (the database is shared by the class).</summary>
    private static DateOnly UniqueDay() => new DateOnly(2001, 1, 1).AddDays(Random.Shared.Next(0, 7000));

    /// <summary>The state the former <c>EmailStatsGrain</c> stored (state name <c>email-stats</c>).</summary>
    private sealed class FormerStats
    {
        public Dictionary<string, Dictionary<string, long>> Rows { get; set; } = [];

        public HashSet<string> Applied { get; set; } = [];
    }
}
