using Kudos.Grains.Email;

namespace Kudos.Grains.Analytics;

/// <summary>
/// The persisted figures of one health partition (storage state name <c>email-health-partition</c>): the open dispatches
/// of its share of ids, and counters. Property names are the stored JSON.
/// </summary>
public sealed class EmailHealthPartitionState
{
    /// <summary>The partition's Pending, Sending and Held dispatches, by id.</summary>
    public Dictionary<string, OpenDispatch> Open { get; set; } = [];

    /// <summary>Failures of the last day, counted per UTC minute.</summary>
    public Dictionary<DateTimeOffset, int> FailuresPerMinute { get; set; } = [];

    public DateTimeOffset? LastActivity { get; set; }

    public long SentCount { get; set; }

    public long SentAttempts { get; set; }

    public long ResendsAfterUnknownOutcome { get; set; }
}

/// <summary>An open dispatch: its status as of its latest signal.</summary>
public sealed class OpenDispatch
{
    public DispatchStatus Status { get; set; }

    /// <summary>The <see cref="HealthSignal.Version"/> this status came with.</summary>
    public int Version { get; set; }

    public DateTimeOffset EnqueuedAt { get; set; }
}

/// <summary>
/// The rules of a health partition over its <see cref="EmailHealthPartitionState"/>. Each dispatch counts under its latest
/// status by <see cref="HealthSignal.Version"/>: a signal that arrives after a newer one of the same dispatch changes
/// nothing (one-way signals may arrive in any order; a Pending applied after its Sending would otherwise stay pending for
/// ever). A finished dispatch leaves the state; its version is remembered for <see cref="FinishedMemory"/>, long enough
/// for any signal still in flight, so a late one cannot reopen it.
/// </summary>
public sealed class EmailHealthLedger(EmailHealthPartitionState state, TimeProvider time)
{
    /// <summary>How long a finished dispatch's version is kept in memory against late signals.</summary>
    public static readonly TimeSpan FinishedMemory = TimeSpan.FromMinutes(2);

    private static readonly TimeSpan FailureWindow = TimeSpan.FromDays(1);

    private readonly Dictionary<string, (int Version, DateTimeOffset Until)> _finished = new(StringComparer.Ordinal);

    /// <summary>Applies <paramref name="signal"/>; false when it is older than (or the same as) what the partition has.</summary>
    public bool Apply(HealthSignal signal)
    {
        if (state.LastActivity is not { } last || signal.At > last)
        {
            state.LastActivity = signal.At;
        }

        var id = signal.DispatchId;
        var known = state.Open.TryGetValue(id, out var open) ? open.Version : _finished.TryGetValue(id, out var finished) ? finished.Version : (int?)null;
        if (signal.Version <= known)
        {
            return false;
        }

        switch (signal.Status)
        {
            case DispatchStatus.Pending or DispatchStatus.Sending or DispatchStatus.Held:
                state.Open[id] = new OpenDispatch { Status = signal.Status, Version = signal.Version, EnqueuedAt = signal.EnqueuedAt };
                break;
            default:
                state.Open.Remove(id);
                _finished[id] = (signal.Version, time.GetUtcNow() + FinishedMemory);
                Count(signal);
                break;
        }

        if (signal.ResentAfterUnknownOutcome)
        {
            state.ResendsAfterUnknownOutcome++;
        }

        return true;
    }

    /// <summary>The figures now.</summary>
    public HealthSummary Summarize()
    {
        var now = time.GetUtcNow();
        int pending = 0, sending = 0, held = 0;
        DateTimeOffset? oldest = null;
        foreach (var open in state.Open.Values)
        {
            switch (open.Status)
            {
                case DispatchStatus.Pending:
                    pending++;
                    oldest = oldest is { } o && o <= open.EnqueuedAt ? o : open.EnqueuedAt;
                    break;
                case DispatchStatus.Sending:
                    sending++;
                    break;
                default:
                    held++;
                    break;
            }
        }

        var failures = state.FailuresPerMinute.Where(f => f.Key > now - FailureWindow).Sum(f => f.Value);
        return new HealthSummary(now, pending, sending, held, failures, oldest, state.LastActivity, state.SentCount, state.SentAttempts, state.ResendsAfterUnknownOutcome);
    }

    /// <summary>Drops what no longer counts: finished versions past their memory, failures older than a day. True if the state changed.</summary>
    public bool Forget()
    {
        var now = time.GetUtcNow();
        foreach (var id in _finished.Where(f => f.Value.Until <= now).Select(f => f.Key).ToList())
        {
            _finished.Remove(id);
        }

        var expired = state.FailuresPerMinute.Keys.Where(minute => minute <= now - FailureWindow).ToList();
        expired.ForEach(minute => state.FailuresPerMinute.Remove(minute));
        return expired.Count > 0;
    }

    private void Count(HealthSignal signal)
    {
        switch (signal.Status)
        {
            case DispatchStatus.Sent:
                state.SentCount++;
                state.SentAttempts += signal.Attempts;
                break;
            case DispatchStatus.Failed:
                var minute = new DateTimeOffset(signal.At.UtcTicks - (signal.At.UtcTicks % TimeSpan.TicksPerMinute), TimeSpan.Zero);
                state.FailuresPerMinute[minute] = state.FailuresPerMinute.GetValueOrDefault(minute) + 1;
                break;
        }
    }
}
