using Orleans.Concurrency;

namespace Kudos.Grains.Email;

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

/// <summary>The counters one dispatch transition or provider event adds to.</summary>
public static class EmailCounters
{
    public const string Sent = "sent";
    public const string Delivered = "delivered";
    public const string Opened = "opened";
    public const string Clicked = "clicked";
    public const string Bounced = "bounced";
    public const string Complained = "complained";
    public const string Failed = "failed";
    public const string Suppressed = "suppressed";

    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal) { Sent, Delivered, Opened, Clicked, Bounced, Complained, Failed, Suppressed };
}

/// <summary>
/// The analytics of one UTC day (key <c>yyyy-MM-dd</c>), maintained as things happen: no query ever scans the outbox.
/// One activation per day across the cluster keeps the counts exact; each increment carries an id, so a repeated report
/// (a retry, a reactivation) counts once.
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

/// <summary>A change in the outbox that the health view follows.</summary>
[GenerateSerializer, Immutable, Alias("kudos.health-signal")]
public sealed record HealthSignal(string DispatchId, DispatchStatus Status, DateTimeOffset EnqueuedAt, int Attempts, DateTimeOffset At, bool ResentAfterUnknownOutcome);

/// <summary>The outbox at a glance.</summary>
[GenerateSerializer, Immutable, Alias("kudos.email-health")]
public sealed record EmailHealthView(
    int Pending,
    int Sending,
    int Held,
    int FailedLast24Hours,
    TimeSpan? OldestPendingAge,
    DateTimeOffset? LastActivity,
    double? AverageAttemptsToSend,
    long ResendsAfterUnknownOutcome,
    bool BacklogAlert,
    int PendingThreshold,
    TimeSpan OldestPendingThreshold);

/// <summary>
/// The cluster-wide health of the outbox (one activation, key <c>cluster</c>), fed by every dispatch transition. It
/// raises a backlog alert (one POST to the alert webhook per incident, one when it recovers), re-checking on a timer
/// only while there is a backlog.
/// </summary>
public interface IEmailHealthGrain : IGrainWithStringKey
{
    /// <summary>A dispatch changed state; one-way so that no send waits on this grain.</summary>
    [OneWay]
    Task ReportAsync(HealthSignal signal);

    [AlwaysInterleave]
    Task<EmailHealthView> GetAsync();
}
