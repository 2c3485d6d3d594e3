using Kudos.Grains;
using Kudos.Grains.Email;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using Xunit;

namespace Kudos.SiloTests;

/// <summary>Provider message ids map to dispatches in <c>kudos_provider_message</c>; mappings stored by the former grain are carried over.</summary>
public sealed class ProviderMessageStoreTests(InProcessSilo silo) : IClassFixture<InProcessSilo>
{

    [Fact(Timeout = 60_000)]
    public async Task A_mapping_is_found_replaced_and_an_unknown_id_is_null()
    {
        var store = silo.Services.GetRequiredService<IProviderMessageStore>();
        var providerId = $"queued-{Guid.NewGuid():N}";

        Assert.Null(await store.GetAsync(providerId));
        await store.SetAsync(providerId, "board-delivery/a");
        await store.SetAsync(providerId, "board-delivery/a");
        Assert.Equal("board-delivery/a", await store.GetAsync(providerId));
        await store.SetAsync(providerId, "board-delivery/b");
        Assert.Equal("board-delivery/b", await store.GetAsync(providerId));
    }

    [Fact(Timeout = 60_000)]
    public async Task Mappings_the_former_index_grains_stored_are_copied_by_the_schema_script_and_copied_once()
    {
        var ct = TestContext.Current.CancellationToken;
        var providerId = $"legacy-{Guid.NewGuid():N}";
        var storage = silo.Services.GetRequiredKeyedService<IGrainStorage>(StorageNames.Kudos);
        var formerGrain = GrainId.Create("providermessageindex", $"pm/{providerId}");
        await storage.WriteStateAsync("provider-message", formerGrain, new GrainState<FormerMapping>(new FormerMapping { DispatchId = "board-delivery/legacy" }));

        // The script ran when the database was created (before this row existed); it runs the same on an upgraded one.
        await silo.RunSchemaScriptAsync("006_kudos_provider_message.sql", ct);
        await silo.RunSchemaScriptAsync("006_kudos_provider_message.sql", ct);

        Assert.Equal("board-delivery/legacy", await silo.Services.GetRequiredService<IProviderMessageStore>().GetAsync(providerId));
    }

    /// <summary>The state the former <c>ProviderMessageIndexGrain</c> stored (state name <c>provider-message</c>).</summary>
    private sealed class FormerMapping
    {
        public string? DispatchId { get; set; }
    }
}
