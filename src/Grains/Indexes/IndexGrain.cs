using Orleans.Concurrency;

namespace Kudos.Grains.Indexes;

/// <summary>
/// <inheritdoc cref="IIndexGrain"/> A stateless front of <see cref="IIndexStore"/>: any silo answers locally (no single
/// activation per index), and an add or a removal is one statement however many entries the index holds.
/// </summary>
[StatelessWorker]
public sealed class IndexGrain(IIndexStore store) : Grain, IIndexGrain
{
    private string Name => this.GetPrimaryKeyString();

    public Task AddAsync(string id) => store.AddAsync(Name, id);

    public Task RemoveAsync(string id) => store.RemoveAsync(Name, id);

    public Task<IReadOnlyList<string>> ListAsync(string? after, int limit) => store.ListAsync(Name, after, IndexPages.For(limit));
}
