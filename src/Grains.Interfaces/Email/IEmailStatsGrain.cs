using Orleans.Concurrency;

namespace Kudos.Grains.Email;

/// <summary>
/// The analytics of one UTC day (key <c>yyyy-MM-dd</c>), maintained as things happen: no query ever scans the outbox.
/// Each increment carries an id, so a repeated report (a retry, a reactivation) counts once.
/// </summary>
public interface IEmailStatsGrain : IGrainWithStringKey
{
    /// <summary>Adds one to <paramref name="counter"/> for that type and tenant, once per <paramref name="dedupeId"/>.</summary>
    [AlwaysInterleave]
    Task IncrementAsync(string emailType, string? tenant, string counter, string dedupeId);

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
