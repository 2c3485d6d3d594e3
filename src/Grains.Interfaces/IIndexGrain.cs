using Orleans.Concurrency;

namespace Kudos.Grains;

/// <summary>
/// A small maintained set of ids, kept as things happen so listing never scans a table: the held messages
/// (<see cref="IndexNames.Held"/>) and the suppressed addresses (<see cref="IndexNames.Suppressions"/>).
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
