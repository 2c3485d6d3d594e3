using Kudos.Grains;
using Kudos.Grains.Email;
using Kudos.Grains.Indexes;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using Xunit;

namespace Kudos.SiloTests;

/// <summary>
/// A sender reads the suppression index before it asks an address's suppression grain, so the index holds every
/// suppressed address: a suppression is indexed before its grain stores it, and deploy/sql/010_suppression_index.sql
/// indexes the active suppressions stored before that order (real PostgreSQL, the product's stores).
/// </summary>
public sealed class SuppressionIndexTests(InProcessSilo silo) : IClassFixture<InProcessSilo>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private IIndexStore Indexes => silo.Services.GetRequiredService<IIndexStore>();

    [Fact(Timeout = 60_000)]
    public async Task Lookups_that_arrive_together_each_get_their_own_answer()
    {
        var name = $"index-test-{Guid.NewGuid():N}";
        var present = Enumerable.Range(0, 40).Select(i => $"in-{i}@example.test").ToList();
        await Task.WhenAll(present.Select(id => Indexes.AddAsync(name, id)));
        await Indexes.AddAsync($"{name}-other", "out-1@example.test");

        // 200 concurrent lookups of one or two ids each, half of them present; an id of another index is not found here.
        var asked = Enumerable.Range(0, 200)
            .Select(i => (IReadOnlyCollection<string>)(i % 3 == 0 ? [$"in-{i % 40}@example.test", $"out-{i}@example.test"] : [i % 2 == 0 ? $"in-{i % 40}@example.test" : $"out-{i}@example.test"]))
            .ToList();
        var answers = await Task.WhenAll(asked.Select(ids => Indexes.ContainsAsync(name, ids)));

        for (var i = 0; i < asked.Count; i++)
        {
            Assert.Equal(asked[i].Where(id => id.StartsWith("in-", StringComparison.Ordinal)).Order(), answers[i].Order());
        }

        Assert.Empty(await Indexes.ContainsAsync(name, ["out-1@example.test"]));
        Assert.Empty(await Indexes.ContainsAsync(name, []));
    }

    [Fact(Timeout = 60_000)]
    public async Task A_suppression_is_indexed_and_a_message_to_it_is_suppressed_while_a_lifted_one_goes()
    {
        var address = $"suppressed-{Guid.NewGuid():N}@example.test";
        await silo.Grains.GetGrain<ISuppressionGrain>(address).AddAsync(SuppressionReason.Complaint, null, "test");
        Assert.Equal([address], await Indexes.ContainsAsync(IndexNames.Suppressions, [address]));

        var refused = await EnqueueAsync(address);
        Assert.Equal(DispatchStatus.Suppressed, refused.Status);

        await silo.Grains.GetGrain<ISuppressionGrain>(address).RemoveAsync();
        Assert.Empty(await Indexes.ContainsAsync(IndexNames.Suppressions, [address]));
        Assert.NotEqual(DispatchStatus.Suppressed, (await EnqueueAsync(address)).Status);
    }

    [Fact(Timeout = 60_000)]
    public async Task An_active_suppression_stored_without_its_index_entry_is_indexed_by_the_schema_script()
    {
        var now = DateTimeOffset.UtcNow;
        var active = $"legacy-{Guid.NewGuid():N}@example.test";
        var lifted = $"lifted-{Guid.NewGuid():N}@example.test";
        var storage = silo.Services.GetRequiredKeyedService<IGrainStorage>(StorageNames.Kudos);
        // What a crash between the grain's write and its index entry left before this version: the state, no entry.
        await storage.WriteStateAsync("suppression", GrainId.Create("suppression", active),
            new GrainState<SuppressionState>(new SuppressionState { Active = true, Reason = SuppressionReason.Bounce, Since = now, Detail = "legacy" }));
        await storage.WriteStateAsync("suppression", GrainId.Create("suppression", lifted),
            new GrainState<SuppressionState>(new SuppressionState { Active = false, Reason = SuppressionReason.Bounce, Since = now }));
        Assert.Empty(await Indexes.ContainsAsync(IndexNames.Suppressions, [active, lifted]));

        await silo.RunSchemaScriptAsync("010_suppression_index.sql", Ct);
        await silo.RunSchemaScriptAsync("010_suppression_index.sql", Ct);

        Assert.Equal([active], await Indexes.ContainsAsync(IndexNames.Suppressions, [active, lifted]));
        Assert.Equal(DispatchStatus.Suppressed, (await EnqueueAsync(active)).Status);
    }

    private Task<DispatchView> EnqueueAsync(string to) =>
        silo.Grains.GetGrain<IEmailDispatchGrain>($"test/{Guid.NewGuid():N}").EnqueueAsync(
            new EmailMessage([new Mailbox("Ada", to)], "Hello", "<p>hi</p>", "hi", EmailTypes.Delivery, "c1"));
}
