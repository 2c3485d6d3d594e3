using Orleans.Concurrency;

namespace Kudos.Grains;

/// <summary>
/// A maintained set of ids, kept as things happen so listing never scans a table: the held messages
/// (<see cref="IndexNames.Held"/>), the suppressed addresses (<see cref="IndexNames.Suppressions"/>), the unmatched provider
/// events and the held owners. One row per id in the silo's store: adding or removing one costs one statement.
/// </summary>
public interface IIndexGrain : IGrainWithStringKey
{
    /// <summary>Adds an id (no-op when present).</summary>
    Task AddAsync(string id);

    /// <summary>Removes an id (no-op when absent).</summary>
    Task RemoveAsync(string id);

    /// <summary>The ids, sorted, at most <paramref name="limit"/> of them after <paramref name="after"/> (exclusive).</summary>
    [ReadOnly]
    Task<IReadOnlyList<string>> ListAsync(string? after, int limit);
}
