using System.Globalization;
using Kudos.Grains.Email;
using Orleans.Concurrency;

namespace Kudos.Grains.Analytics;

/// <summary>
/// <inheritdoc cref="IEmailStatsGrain"/> A stateless worker in front of <see cref="IEmailStatsStore"/>: every silo
/// answers locally, and the counts live in the store, so no day is a single activation the whole cluster writes through.
/// </summary>
[StatelessWorker]
public sealed class EmailStatsGrain(IEmailStatsStore store) : Grain, IEmailStatsGrain
{
    public Task IncrementAsync(string emailType, string? tenant, string counter, string dedupeId)
    {
        if (!EmailCounters.All.Contains(counter))
        {
            throw KudosException.Invalid("counter", $"Unknown counter '{counter}'.");
        }

        return store.IncrementAsync(Day, emailType, tenant, counter, dedupeId);
    }

    public Task<IReadOnlyList<EmailStatsRow>> GetAsync() => store.ReadAsync(Day);

    private DateOnly Day => DateOnly.ParseExact(this.GetPrimaryKeyString(), "yyyy-MM-dd", CultureInfo.InvariantCulture);
}
