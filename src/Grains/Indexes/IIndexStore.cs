namespace Kudos.Grains.Indexes;

/// <summary>
/// Where the admin indexes (<see cref="IndexNames"/>) keep their entries, one record per entry, so that adding or
/// removing one costs one statement whatever the size of the index, and a page is read by key.
/// </summary>
public interface IIndexStore
{
    /// <summary>Adds <paramref name="id"/> to index <paramref name="name"/> (nothing when it is there).</summary>
    Task AddAsync(string name, string id);

    /// <summary>Removes <paramref name="id"/> from index <paramref name="name"/> (nothing when it is absent).</summary>
    Task RemoveAsync(string name, string id);

    /// <summary>
    /// Which of <paramref name="ids"/> index <paramref name="name"/> holds. Lookups that arrive together may share one
    /// statement: this is on every email's path (the suppression index, read before each send).
    /// </summary>
    Task<IReadOnlySet<string>> ContainsAsync(string name, IReadOnlyCollection<string> ids);

    /// <summary>At most <paramref name="limit"/> ids of <paramref name="name"/> after <paramref name="after"/> (exclusive), in ordinal order.</summary>
    Task<IReadOnlyList<string>> ListAsync(string name, string? after, int limit);
}
