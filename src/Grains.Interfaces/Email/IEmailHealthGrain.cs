using Orleans.Concurrency;

namespace Kudos.Grains.Email;

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

    /// <summary>The figures as they stand, answered even while a signal is being applied.</summary>
    [AlwaysInterleave]
    Task<EmailHealthView> GetAsync();
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
