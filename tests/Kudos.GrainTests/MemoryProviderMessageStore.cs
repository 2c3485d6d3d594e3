using System.Collections.Concurrent;
using Kudos.Grains.Email;

namespace Kudos.GrainTests;

/// <summary>The in-memory counterpart of the silo's <c>kudos_provider_message</c> table, as memory storage is of grain state here.</summary>
internal sealed class MemoryProviderMessageStore : IProviderMessageStore
{
    private readonly ConcurrentDictionary<string, string> _dispatches = new(StringComparer.Ordinal);

    public Task SetAsync(string providerMessageId, string dispatchId)
    {
        _dispatches[providerMessageId] = dispatchId;
        return Task.CompletedTask;
    }

    public Task<string?> GetAsync(string providerMessageId) => Task.FromResult(_dispatches.GetValueOrDefault(providerMessageId));
}
