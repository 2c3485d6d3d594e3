using Kudos.Grains;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Orleans.Storage;
using Xunit;

namespace Kudos.SiloTests;

/// <summary>
/// The admin indexes are rows of <c>kudos_index</c>: an add inserts one row, a removal deletes one, a listing pages by key;
/// the indexes stored before, one grain state holding every id, are copied there by deploy/sql/007_kudos_index.sql.
/// </summary>
public sealed class IndexStorageTests(InProcessSilo silo) : IClassFixture<InProcessSilo>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact(Timeout = 60_000)]
    public async Task Entries_are_added_once_listed_in_ordinal_pages_and_removed()
    {
        var name = $"index-test-{Guid.NewGuid():N}";
        var index = silo.Grains.GetGrain<IIndexGrain>(name);
        foreach (var id in new[] { "b@example.test", "a@example.test", "B@example.test", "c@example.test", "a@example.test" })
        {
            await index.AddAsync(id);
        }

        Assert.Equal(4, await RowCountAsync(name));
        // Ordinal: upper case before lower case, whatever the database's collation.
        Assert.Equal(["B@example.test", "a@example.test"], await index.ListAsync(null, 2));
        Assert.Equal(["b@example.test", "c@example.test"], await index.ListAsync("a@example.test", 2));
        Assert.Empty(await index.ListAsync("c@example.test", 2));

        await index.RemoveAsync("a@example.test");
        await index.RemoveAsync("not-there@example.test");
        Assert.Equal(["B@example.test", "b@example.test", "c@example.test"], await index.ListAsync(null, IndexPages.MaxLimit));
        Assert.Equal(3, await RowCountAsync(name));
    }

    [Fact(Timeout = 60_000)]
    public async Task A_listing_never_returns_more_than_the_maximum_page()
    {
        var name = $"index-test-{Guid.NewGuid():N}";
        var index = silo.Grains.GetGrain<IIndexGrain>(name);
        await Task.WhenAll(Enumerable.Range(0, IndexPages.MaxLimit + 5).Select(i => index.AddAsync($"id-{i:D4}")));

        var page = await index.ListAsync(null, IndexPages.MaxLimit + 100);
        Assert.Equal(IndexPages.MaxLimit, page.Count);
        Assert.Equal("id-0000", page[0]);
        Assert.Equal(5, (await index.ListAsync(page[^1], IndexPages.MaxLimit)).Count);
    }

    [Fact(Timeout = 60_000)]
    public async Task An_index_stored_as_one_grain_state_is_copied_to_rows_by_the_schema_script()
    {
        var name = $"index-legacy-{Guid.NewGuid():N}";
        var storage = silo.Services.GetRequiredKeyedService<IGrainStorage>(StorageNames.Kudos);
        // What the index grain stored before: state name "index", the index name as its string key.
        await storage.WriteStateAsync(
            "index",
            GrainId.Create("index", name),
            new GrainState<LegacyIndexState>(new LegacyIndexState { Ids = new(StringComparer.Ordinal) { "dispatch/2", "dispatch/1" } }));
        Assert.Equal(
            """{"Ids":["dispatch/1","dispatch/2"]}""",
            await ScalarAsync<string>("SELECT convert_from(PayloadBinary, 'UTF8') FROM OrleansStorage WHERE GrainTypeString = 'index' AND GrainIdExtensionString = $1", name));
        Assert.Empty(await silo.Grains.GetGrain<IIndexGrain>(name).ListAsync(null, 10));

        // The migration's copy, run again now that the legacy row exists (it is idempotent: twice changes nothing more).
        await silo.RunSchemaScriptAsync("007_kudos_index.sql", Ct);
        await silo.RunSchemaScriptAsync("007_kudos_index.sql", Ct);

        Assert.Equal(["dispatch/1", "dispatch/2"], await silo.Grains.GetGrain<IIndexGrain>(name).ListAsync(null, 10));
        Assert.Equal(2, await RowCountAsync(name));
    }

    private Task<long> RowCountAsync(string name) => ScalarAsync<long>("SELECT count(*) FROM kudos_index WHERE index_name = $1", name);

    private async Task<T> ScalarAsync<T>(string sql, params string[] parameters)
    {
        await using var dataSource = NpgsqlDataSource.Create(silo.ConnectionString);
        await using var command = dataSource.CreateCommand(sql);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = parameter });
        }

        return (T)(await command.ExecuteScalarAsync(Ct))!;
    }

    /// <summary>The shape of the index state before this table (System.Text.Json, property names are the stored JSON).</summary>
    private sealed class LegacyIndexState
    {
        public SortedSet<string> Ids { get; set; } = new(StringComparer.Ordinal);
    }
}
