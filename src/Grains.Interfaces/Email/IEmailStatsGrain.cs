using Orleans.Concurrency;

namespace Kudos.Grains.Email;

/// <summary>
/// The analytics of one UTC day (key <c>yyyy-MM-dd</c>), counted by the dispatches as things happen (each increment once
/// per id, so a repeated report counts once): no query ever scans the outbox.
/// </summary>
public interface IEmailStatsGrain : IGrainWithStringKey
{
    /// <summary>The day's rows.</summary>
    [AlwaysInterleave]
    Task<IReadOnlyList<EmailStatsRow>> GetAsync();
}

/// <summary>Counters of one day × email type × tenant.</summary>
[GenerateSerializer, Immutable, Alias("kudos.email-stats-row")]
public sealed record EmailStatsRow(
    string Date,
    string EmailType,
    string Tenant,
    long Sent,
    long Delivered,
    long Opened,
    long Clicked,
    long Bounced,
    long Complained,
    long Failed,
    long Suppressed);
