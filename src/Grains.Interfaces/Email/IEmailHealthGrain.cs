using Orleans.Concurrency;

namespace Kudos.Grains.Email;

/// <summary>
/// The cluster-wide view of the outbox's health (one activation, key <see cref="HealthKeys.Cluster"/>): the sum of the
/// <see cref="IEmailHealthPartitionGrain"/>s, which each follow the dispatches of their share of ids. It holds one summary
/// per partition, never a dispatch id, and raises a backlog alert (one POST to the alert webhook per incident, one when it
/// recovers), re-checking on a timer only while there is a backlog.
/// </summary>
public interface IEmailHealthGrain : IGrainWithStringKey
{
    /// <summary>A partition's figures changed (sent at most once per push interval by each partition).</summary>
    Task UpdateAsync(int partition, HealthSummary summary);

    /// <summary>The figures as they stand now, read from every partition; answered even while an update is being applied.</summary>
    [AlwaysInterleave]
    Task<EmailHealthView> GetAsync();
}

/// <summary>
/// The health of the dispatches whose id falls in one partition (key 0 … <see cref="HealthKeys.Partitions"/> − 1, see
/// <see cref="HealthKeys.Partition"/>): each dispatch's latest status by <see cref="HealthSignal.Version"/>, so signals
/// applied in any order leave the same figures.
/// </summary>
public interface IEmailHealthPartitionGrain : IGrainWithIntegerKey
{
    /// <summary>A dispatch changed state; one-way so that no send waits on this grain.</summary>
    [OneWay]
    Task ReportAsync(HealthSignal signal);

    /// <summary>Applies several signals and returns once they are applied (the hand-over of figures stored before the partitions).</summary>
    Task ApplyAsync(IReadOnlyList<HealthSignal> signals);

    /// <summary>The partition's figures as they stand (interleaved: the cluster view asks while a partition pushes to it).</summary>
    [AlwaysInterleave]
    Task<HealthSummary> GetAsync();
}

/// <summary>
/// A change in the outbox that the health view follows. <paramref name="Version"/> orders one dispatch's signals (it grows
/// with every transition the dispatch publishes): a signal older than one already applied for the same id changes nothing.
/// </summary>
[GenerateSerializer, Immutable, Alias("kudos.health-signal")]
public sealed record HealthSignal(string DispatchId, DispatchStatus Status, DateTimeOffset EnqueuedAt, int Attempts, DateTimeOffset At, bool ResentAfterUnknownOutcome, int Version);

/// <summary>One partition's figures at <paramref name="AsOf"/>.</summary>
[GenerateSerializer, Immutable, Alias("kudos.health-summary")]
public sealed record HealthSummary(
    DateTimeOffset AsOf,
    int Pending,
    int Sending,
    int Held,
    int FailedLast24Hours,
    DateTimeOffset? OldestPendingSince,
    DateTimeOffset? LastActivity,
    long SentCount,
    long SentAttempts,
    long ResendsAfterUnknownOutcome)
{
    /// <summary>A partition with nothing to report.</summary>
    public static HealthSummary Empty(DateTimeOffset asOf) => new(asOf, 0, 0, 0, 0, null, null, 0, 0, 0);
}

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
