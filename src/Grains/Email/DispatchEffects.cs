namespace Kudos.Grains.Email;

/// <summary>Something the dispatch grain does after (or, for feedback, before) it wrote the state a decision changed.</summary>
public abstract record DispatchEffect;

/// <summary>
/// Attempt the send at the state's next-attempt instant; <paramref name="IfMissing"/>: only restore a lost reminder;
/// <paramref name="Backstopped"/>: the first attempt of a message whose board keeps its own reminder until it is told the
/// outcome (and wakes this grain after a crash), so a timer suffices and no reminder is registered unless a retry is needed.
/// </summary>
public sealed record ScheduleAttempt(bool IfMissing = false, bool Backstopped = false) : DispatchEffect;

/// <summary>Nothing more to send: drop the timer and the durable reminder.</summary>
public sealed record StopAttempts : DispatchEffect;

/// <summary>Tell the health view the current status (one-way).</summary>
public sealed record PublishHealth(bool ResentAfterUnknownOutcome = false) : DispatchEffect;

/// <summary>Count <paramref name="Counter"/> once per <paramref name="DedupeId"/> on the day of <paramref name="At"/>.</summary>
public sealed record CountEmail(string Counter, string DedupeId, DateTimeOffset At) : DispatchEffect;

/// <summary>Suppress <paramref name="Address"/> for good.</summary>
public sealed record SuppressAddress(string Address, SuppressionReason Reason, string Detail) : DispatchEffect;

/// <summary>Count a soft bounce of <paramref name="Address"/>; at <paramref name="Limit"/> it is suppressed until <paramref name="Until"/>.</summary>
public sealed record CountSoftBounce(string Address, int Limit, DateTimeOffset Until, string Detail) : DispatchEffect;

/// <summary>Add the dispatch to (or remove it from) the index of held messages.</summary>
public sealed record IndexHeld(bool Held) : DispatchEffect;

/// <summary>A hard bounce or complaint on a message sent for an owner counts against that owner's sender reputation.</summary>
public sealed record CountAgainstOwner(string Owner, DispatchStatus Outcome) : DispatchEffect;

/// <summary>Map the provider's message id to this dispatch, so webhook events find it.</summary>
public sealed record IndexProviderMessage(string ProviderMessageId) : DispatchEffect;

/// <summary>Tell the board the message is about of the outcome, in a turn of its own.</summary>
public sealed record ReportToBoard(Guid BoardId) : DispatchEffect;

/// <summary>
/// Tell the board whose reminder backstopped the first attempt that it is over (one-way: the message now keeps its own
/// schedule or has finished; if this is lost, the board's next check finds the same).
/// </summary>
public sealed record ReleaseBackstop(Guid BoardId) : DispatchEffect;

/// <summary>
/// What a transition decided: whether the state changed (one write), what must succeed before that write (feedback that
/// a retried event must not skip), what runs after it, and for an attempt the message to hand to the transport.
/// </summary>
public sealed record DispatchDecision(bool Write, IReadOnlyList<DispatchEffect> Before, IReadOnlyList<DispatchEffect> After, OutgoingEmail? Send = null)
{
    /// <summary>Nothing changed and nothing to do.</summary>
    public static readonly DispatchDecision Nothing = new(false, [], []);

    /// <summary>Every effect, in the order they run.</summary>
    public IEnumerable<DispatchEffect> Effects => Before.Concat(After);

    internal static DispatchDecision Changed(params DispatchEffect[] after) => new(true, [], after);

    internal static DispatchDecision Unchanged(params DispatchEffect[] after) => new(false, [], after);
}
