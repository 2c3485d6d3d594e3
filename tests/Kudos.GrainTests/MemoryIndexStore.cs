using System.Collections.Concurrent;
using Kudos.Grains.Indexes;

namespace Kudos.GrainTests;

/// <summary>The admin indexes in memory, for the in-process silo whose grain state is in memory too.</summary>
public sealed class MemoryIndexStore : IIndexStore
{
    private readonly ConcurrentDictionary<string, SortedSet<string>> _indexes = new();

    public Task AddAsync(string name, string id)
    {
        var index = Index(name);
        lock (index)
        {
            index.Add(id);
        }

        return Task.CompletedTask;
    }

    public Task RemoveAsync(string name, string id)
    {
        var index = Index(name);
        lock (index)
        {
            index.Remove(id);
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<string>> ListAsync(string name, string? after, int limit)
    {
        var index = Index(name);
        lock (index)
        {
            IReadOnlyList<string> page = [.. index.Where(id => after is null || string.CompareOrdinal(id, after) > 0).Take(limit)];
            return Task.FromResult(page);
        }
    }

    public Task<IReadOnlySet<string>> ContainsAsync(string name, IReadOnlyCollection<string> ids)
    {
        var index = Index(name);
        lock (index)
        {
            IReadOnlySet<string> found = ids.Where(index.Contains).ToHashSet(StringComparer.Ordinal);
            return Task.FromResult(found);
        }
    }

    private SortedSet<string> Index(string name) => _indexes.GetOrAdd(name, _ => new SortedSet<string>(StringComparer.Ordinal));
}
