using System.Collections.Concurrent;
using Kudos.Grains.Analytics;
using Kudos.Grains.Email;

namespace Kudos.GrainTests;

/// <summary>The in-memory counterpart of the silo's analytics tables, as memory storage is of grain state here.</summary>
internal sealed class MemoryEmailStatsStore : IEmailStatsStore
{
    private readonly ConcurrentDictionary<(DateOnly Day, string Counter, string DedupeId), (string EmailType, string Tenant)> _applied = new();

    public Task IncrementAsync(DateOnly day, string emailType, string? tenant, string counter, string dedupeId)
    {
        _applied.TryAdd((day, counter, dedupeId), (emailType, tenant ?? ""));
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<EmailStatsRow>> ReadAsync(DateOnly day) => Task.FromResult(EmailStatsRows.From(
        day,
        _applied.Where(a => a.Key.Day == day).Select(a => (a.Value.EmailType, a.Value.Tenant, a.Key.Counter, 1L))));
}
