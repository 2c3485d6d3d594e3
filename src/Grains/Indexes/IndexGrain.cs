namespace Kudos.Grains.Indexes;

/// <summary>The persisted set behind an <see cref="IIndexGrain"/> (storage state name <c>index</c>).</summary>
public sealed class IndexState
{
    public SortedSet<string> Ids { get; set; } = new(StringComparer.Ordinal);
}

/// <inheritdoc cref="IIndexGrain"/>
public sealed class IndexGrain([PersistentState("index", StorageNames.Kudos)] IPersistentState<IndexState> index) : Grain, IIndexGrain
{
    public async Task AddAsync(string id)
    {
        if (index.State.Ids.Add(id))
        {
            await index.WriteStateAsync();
        }
    }

    public async Task RemoveAsync(string id)
    {
        if (index.State.Ids.Remove(id))
        {
            await index.WriteStateAsync();
        }
    }

    public Task<IReadOnlyList<string>> ListAsync(string? after, int limit)
    {
        IReadOnlyList<string> page =
            [.. index.State.Ids.SkipWhile(id => after is not null && string.CompareOrdinal(id, after) <= 0).Take(IndexPages.For(limit))];
        return Task.FromResult(page);
    }
}
