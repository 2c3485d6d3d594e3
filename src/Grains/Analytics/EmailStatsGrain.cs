using Kudos.Grains.Email;

namespace Kudos.Grains.Analytics;

/// <summary>The persisted counters of one day (storage state name <c>email-stats</c>).</summary>
public sealed class EmailStatsState
{
    /// <summary>Counters by "type|tenant", then by counter name.</summary>
    public Dictionary<string, Dictionary<string, long>> Rows { get; set; } = [];

    /// <summary>"counter|id" of every increment applied, so a repeated report counts once.</summary>
    public HashSet<string> Applied { get; set; } = [];
}

/// <summary>
/// <inheritdoc cref="IEmailStatsGrain"/> Increments are group-committed: the callers of a short window share one state
/// write, and each returns only once its increment is durable. Increments interleave with a write in progress, and the
/// storage provider serializes the state after its first await, so they change a working copy; each write stores a
/// snapshot of it.
/// </summary>
public sealed class EmailStatsGrain(
    [PersistentState("email-stats", StorageNames.Kudos)] IPersistentState<EmailStatsState> stats) : Grain, IEmailStatsGrain
{
    private Task _lastWrite = Task.CompletedTask;
    private Task? _nextWrite;
    private EmailStatsState _working = new();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _working = Snapshot(stats.State);
        return Task.CompletedTask;
    }

    public async Task IncrementAsync(string emailType, string? tenant, string counter, string dedupeId)
    {
        if (!EmailCounters.All.Contains(counter))
        {
            throw KudosException.Invalid("counter", $"Unknown counter '{counter}'.");
        }

        if (!_working.Applied.Add($"{counter}|{dedupeId}"))
        {
            return;
        }

        var key = $"{emailType}|{tenant ?? ""}";
        if (!_working.Rows.TryGetValue(key, out var row))
        {
            _working.Rows[key] = row = [];
        }

        row[counter] = row.GetValueOrDefault(counter) + 1;
        await (_nextWrite ??= WriteAfterAsync(_lastWrite));
    }

    public Task<IReadOnlyList<EmailStatsRow>> GetAsync()
    {
        var date = this.GetPrimaryKeyString();
        IReadOnlyList<EmailStatsRow> rows = [.. _working.Rows.OrderBy(r => r.Key, StringComparer.Ordinal).Select(r =>
        {
            var parts = r.Key.Split('|', 2);
            long C(string name) => r.Value.GetValueOrDefault(name);
            return new EmailStatsRow(date, parts[0], parts[1], C(EmailCounters.Sent), C(EmailCounters.Delivered), C(EmailCounters.Opened), C(EmailCounters.Clicked),
                C(EmailCounters.Bounced), C(EmailCounters.Complained), C(EmailCounters.Failed), C(EmailCounters.Suppressed));
        })];
        return Task.FromResult(rows);
    }

    /// <summary>One write at a time: the next batch waits for the previous write, gathering increments meanwhile.</summary>
    private async Task WriteAfterAsync(Task previous)
    {
        try
        {
            await previous;
        }
        catch (Exception)
        {
            // That batch's callers saw the failure; their increments are still in memory and go out with this write.
        }

        // Let the increments already queued behind this one join the same write.
        await Task.Yield();
        _nextWrite = null;
        stats.State = Snapshot(_working);
        var write = stats.WriteStateAsync();
        _lastWrite = write;
        await write;
    }

    private static EmailStatsState Snapshot(EmailStatsState state) => new()
    {
        Rows = state.Rows.ToDictionary(r => r.Key, r => new Dictionary<string, long>(r.Value)),
        Applied = [.. state.Applied],
    };
}
