using System.Globalization;
using Kudos.Grains.Email;
using Orleans.Concurrency;

namespace Kudos.Grains.Analytics;

/// <summary>
/// <inheritdoc cref="IEmailStatsGrain"/> A stateless worker reading <see cref="IEmailStatsStore"/>, where the dispatches
/// count: every silo answers locally, and no day is a single activation the whole cluster writes through.
/// </summary>
[StatelessWorker]
public sealed class EmailStatsGrain(IEmailStatsStore store) : Grain, IEmailStatsGrain
{
    public Task<IReadOnlyList<EmailStatsRow>> GetAsync() => store.ReadAsync(Day);

    private DateOnly Day => DateOnly.ParseExact(this.GetPrimaryKeyString(), "yyyy-MM-dd", CultureInfo.InvariantCulture);
}
