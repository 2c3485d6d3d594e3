using Kudos.Grains.Email;

namespace Kudos.Grains.Analytics;

/// <summary>
/// The email analytics of each UTC day: counters per email type × tenant, each increment applied once per dedupe id (a
/// repeated report counts once). Shared by the silos; an increment is durable when its task completes.
/// </summary>
public interface IEmailStatsStore
{
    /// <summary>Adds one to <paramref name="counter"/> of <paramref name="day"/> for that type and tenant, once per <paramref name="dedupeId"/>.</summary>
    Task IncrementAsync(DateOnly day, string emailType, string? tenant, string counter, string dedupeId);

    /// <summary>The day's rows, ordered by email type, then tenant.</summary>
    Task<IReadOnlyList<EmailStatsRow>> ReadAsync(DateOnly day);
}

/// <summary>A day's counters as <see cref="EmailStatsRow"/>s (one per email type × tenant), whatever stores them.</summary>
public static class EmailStatsRows
{
    /// <summary>The rows of <paramref name="day"/> from its counters, ordered by email type, then tenant (ordinal).</summary>
    public static IReadOnlyList<EmailStatsRow> From(DateOnly day, IEnumerable<(string EmailType, string Tenant, string Counter, long Count)> counters)
    {
        var date = day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        return [.. counters
            .GroupBy(c => (c.EmailType, c.Tenant))
            .OrderBy(g => g.Key.EmailType, StringComparer.Ordinal).ThenBy(g => g.Key.Tenant, StringComparer.Ordinal)
            .Select(g =>
            {
                long C(string name) => g.Where(c => c.Counter == name).Sum(c => c.Count);
                return new EmailStatsRow(date, g.Key.EmailType, g.Key.Tenant, C(EmailCounters.Sent), C(EmailCounters.Delivered), C(EmailCounters.Opened),
                    C(EmailCounters.Clicked), C(EmailCounters.Bounced), C(EmailCounters.Complained), C(EmailCounters.Failed), C(EmailCounters.Suppressed));
            })];
    }
}
