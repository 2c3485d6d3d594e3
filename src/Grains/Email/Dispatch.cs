using Kudos.Grains.Boards;

namespace Kudos.Grains.Email;

/// <summary>
/// The rules of one outgoing email over its stored <see cref="DispatchState"/>: every transition changes the state in
/// memory and returns a <see cref="DispatchDecision"/> — whether to write, what to run — so the grain only loads,
/// decides, writes once and acts. Statuses: Pending → Sending → Sent, or Failed, Suppressed, Held, Cancelled; provider
/// events then move a sent message to Delivered, Bounced or Complained, never backwards.
/// </summary>
/// <param name="id">The dispatch id (the grain key).</param>
/// <param name="state">The stored state, changed in place.</param>
/// <param name="options">Sender, retry policy, allowed recipients, soft-bounce rule and event retention.</param>
/// <param name="time">The clock.</param>
/// <param name="random">Uniform in [0, 1), for the retry jitter.</param>
public sealed class Dispatch(string id, DispatchState state, EmailOptions options, TimeProvider time, Func<double>? random = null)
{
    private static readonly DispatchStatus[] Reportable =
        [DispatchStatus.Sent, DispatchStatus.Failed, DispatchStatus.Suppressed, DispatchStatus.Held, DispatchStatus.Bounced, DispatchStatus.Complained];

    private readonly Func<double> _random = random ?? Random.Shared.NextDouble;

    public DispatchStatus Status => state.Status;

    /// <summary>When the next attempt is due, while one is (Pending); the scheduler waits for this instant.</summary>
    public DateTimeOffset? NextAttemptDue => state.Status == DispatchStatus.Pending ? state.NextAttemptAt : null;

    /// <summary>The message's recipients (To, Cc, Bcc); empty before enqueue.</summary>
    public IEnumerable<Mailbox> Recipients => state.Message?.AllRecipients() ?? [];

    /// <summary>Whether the outcome is still to be told to the board the message names.</summary>
    public bool NeedsReport =>
        state.Message?.OutcomeBoardId is not null && Reportable.Contains(state.Status) && state.ReportedStatus != state.Status;

    /// <summary>
    /// Stores a new message as Pending (due now or at its <see cref="EmailMessage.ScheduledFor"/>), or ends it at once
    /// Suppressed or Held when a recipient is blocked. A repeated enqueue changes nothing (it restores a lost reminder).
    /// </summary>
    /// <param name="message">The message.</param>
    /// <param name="suppressions">Active suppressions of the recipients, keyed by normalized address.</param>
    /// <exception cref="KudosException">The message is invalid.</exception>
    public DispatchDecision Enqueue(EmailMessage message, IReadOnlyDictionary<string, SuppressionView> suppressions)
    {
        if (state.Status != DispatchStatus.None)
        {
            // A repeated hand-off may follow a first one that stored the message but failed to register its reminder
            // (e.g. the reminder range's silo had just died): the caller drops its own retry once this returns.
            return state.Status == DispatchStatus.Pending ? DispatchDecision.Unchanged(new ScheduleAttempt(IfMissing: true)) : DispatchDecision.Nothing;
        }

        var now = time.GetUtcNow();
        Validate(message, now);
        state.Message = message;
        state.MessageId = MessageIds.For(id, options.From);
        state.EnqueuedAt = now;
        state.NextAttemptAt = message.ScheduledFor is { } at && at > now ? at : now;
        state.Status = DispatchStatus.Pending;
        return Refuse(suppressions) ?? DispatchDecision.Changed(new PublishHealth(), new ScheduleAttempt(Backstopped: message.OutcomeBoardId is not null || message.BackstopBoardId is not null));
    }

    /// <summary>
    /// What the grain does with a hand-off: <see cref="Enqueue"/>, and when the message is due now and may go, the first
    /// attempt begins in the same write (<see cref="BeginAttempt"/> with the suppressions just read), so an email due now
    /// is stored once before it goes, as Sending: a crash before or during the send is found on reactivation like any
    /// attempt cut short, and the message goes again.
    /// </summary>
    public DispatchDecision Accept(EmailMessage message, IReadOnlyDictionary<string, SuppressionView> suppressions)
    {
        var enqueued = Enqueue(message, suppressions);
        if (!enqueued.Write || state.Status != DispatchStatus.Pending || state.NextAttemptAt > time.GetUtcNow())
        {
            return enqueued;
        }

        // The enqueue's effects stand (the health signal then tells the status the write stores); the attempt adds the send.
        return enqueued with { Send = BeginAttempt(suppressions).Send };
    }

    /// <summary>
    /// Starts the due attempt: checks suppressions and the allowed recipients again, then records the attempt as
    /// Sending — written before the send, so a crash mid-send is found on reactivation — and returns the message to send.
    /// A tick that is early reschedules; one after the end stops the schedule.
    /// </summary>
    public DispatchDecision BeginAttempt(IReadOnlyDictionary<string, SuppressionView> suppressions)
    {
        if (state.Status != DispatchStatus.Pending)
        {
            return DispatchDecision.Unchanged(new StopAttempts());
        }

        var now = time.GetUtcNow();
        if (state.NextAttemptAt > now)
        {
            return DispatchDecision.Unchanged(new ScheduleAttempt());
        }

        if (Refuse(suppressions) is { } refused)
        {
            return refused with { After = [.. refused.After, new StopAttempts()] };
        }

        var attempt = new AttemptRecord { Number = state.Attempts + 1, StartedAt = now };
        state.History.Add(attempt);
        state.Attempts = attempt.Number;
        state.LastAttemptAt = now;
        state.Status = DispatchStatus.Sending;
        return new DispatchDecision(true, [], [new PublishHealth()], new OutgoingEmail(id, state.Message!, state.MessageId, state.EnqueuedAt!.Value));
    }

    /// <summary>
    /// Records how the attempt ended: Sent; Pending again with a backoff after a transient failure while attempts remain;
    /// Held for a sandbox refusal; Failed otherwise (and a refused unknown user is suppressed as a bounce).
    /// </summary>
    public DispatchDecision Record(SendResult result)
    {
        if (state.Status != DispatchStatus.Sending || state.History.LastOrDefault() is not { EndedAt: null } attempt)
        {
            return DispatchDecision.Nothing;
        }

        var now = time.GetUtcNow();
        attempt.EndedAt = now;
        attempt.ServerReply = result.ServerReply;
        attempt.Error = result.Error;
        state.ServerReply = result.ServerReply;
        var effects = new List<DispatchEffect> { new PublishHealth() };
        switch (result.Outcome)
        {
            case SendOutcome.Sent:
                attempt.Outcome = "sent";
                state.SentAt = now;
                state.ProviderMessageId = RecipientPolicy.ProviderMessageId(result.ServerReply);
                Finish(DispatchStatus.Sent, null);
                break;
            case SendOutcome.Transient when state.Attempts < MaxAttempts:
                attempt.Outcome = "transient";
                state.Status = DispatchStatus.Pending;
                state.LastError = result.Error;
                state.NextAttemptAt = now + options.Retry.DelayAfter(state.Attempts, _random());
                effects.Add(new ScheduleAttempt());
                effects.AddRange(ReleaseBackstop());
                return new DispatchDecision(true, [], effects);
            case SendOutcome.Permanent when RecipientPolicy.IsNotVerified(result.ServerReply):
                attempt.Outcome = "held";
                Finish(DispatchStatus.Held, $"The provider refused an unverified recipient (sandbox): {result.ServerReply}");
                break;
            default:
                var transient = result.Outcome == SendOutcome.Transient;
                attempt.Outcome = transient ? "transient" : "permanent";
                Finish(DispatchStatus.Failed, transient ? $"Gave up after {state.Attempts} attempts: {result.Error}" : result.Error);
                break;
        }

        effects.Add(new StopAttempts());
        if (state.ProviderMessageId is { } providerId)
        {
            effects.Add(new IndexProviderMessage(providerId));
        }

        effects.AddRange(CountFinalStatus());
        if (state.Status == DispatchStatus.Failed && RecipientPolicy.IsUnknownUser(result.StatusCode, result.ServerReply)
            && BouncedAddress(result) is { } bounced)
        {
            effects.Add(new SuppressAddress(Addresses.Normalize(bounced), SuppressionReason.Bounce, $"{result.ServerReply} (dispatch {id})"));
        }

        effects.AddRange(AfterFinish());
        effects.AddRange(ReleaseBackstop());
        return new DispatchDecision(true, [], effects);
    }

    /// <summary>
    /// On activation, a dispatch found Sending: the previous activation died mid-send and the server may or may not have
    /// the message. The attempt is recorded as of unknown outcome and the message is due again at once.
    /// </summary>
    public DispatchDecision MarkOutcomeUnknown()
    {
        if (state.Status != DispatchStatus.Sending)
        {
            return DispatchDecision.Nothing;
        }

        var now = time.GetUtcNow();
        if (state.History.LastOrDefault() is { EndedAt: null } attempt)
        {
            attempt.Outcome = "unknown";
            attempt.EndedAt = now;
            attempt.Error = "The silo stopped during this attempt; its outcome is unknown.";
        }

        state.Status = DispatchStatus.Pending;
        state.NextAttemptAt = now;
        return DispatchDecision.Changed(new PublishHealth(ResentAfterUnknownOutcome: true), new ScheduleAttempt());
    }

    /// <summary>
    /// Applies a provider event once per webhook id: recorded in the history; delivered, bounced and complained move a
    /// sent message forward only; a hard bounce or a complaint suppresses the address and a soft bounce counts towards
    /// it — before the write, so the event comes back if that fails; opens and clicks are counted.
    /// </summary>
    public DispatchDecision ApplyProviderEvent(ProviderEvent providerEvent)
    {
        if (state.AppliedEventIds.Contains(providerEvent.WebhookId))
        {
            return DispatchDecision.Nothing;
        }

        var now = time.GetUtcNow();
        state.AppliedEventIds.Add(providerEvent.WebhookId);
        state.Events.Add(new ProviderEventRecord
        {
            WebhookId = providerEvent.WebhookId,
            Type = providerEvent.Type,
            OccurredAt = providerEvent.OccurredAt,
            ReceivedAt = now,
            Detail = providerEvent.Detail ?? providerEvent.BounceType,
        });
        DropExpiredEvents();

        var address = providerEvent.Recipient ?? state.Message?.To.FirstOrDefault()?.Address;
        var detail = $"{providerEvent.Type} {providerEvent.BounceType} (dispatch {id})".Replace("  ", " ", StringComparison.Ordinal);
        var before = new List<DispatchEffect>();
        string? counter = null;
        switch (providerEvent.Type)
        {
            case ProviderEventTypes.Delivered:
                counter = EmailCounters.Delivered;
                Advance(DispatchStatus.Delivered);
                break;
            case ProviderEventTypes.Bounced:
                counter = EmailCounters.Bounced;
                if (providerEvent.IsHardBounce)
                {
                    Advance(DispatchStatus.Bounced);
                }

                if (address is not null)
                {
                    before.Add(providerEvent.IsHardBounce
                        ? new SuppressAddress(Addresses.Normalize(address), SuppressionReason.Bounce, detail)
                        : new CountSoftBounce(Addresses.Normalize(address), options.SoftBounceLimit, now + options.SoftBounceSuppression, detail));
                }

                if (providerEvent.IsHardBounce && state.Message?.ReputationOwner is { } bouncedFor)
                {
                    before.Add(new CountAgainstOwner(bouncedFor, DispatchStatus.Bounced));
                }

                break;
            case ProviderEventTypes.Complained:
                counter = EmailCounters.Complained;
                Advance(DispatchStatus.Complained);
                if (address is not null)
                {
                    before.Add(new SuppressAddress(Addresses.Normalize(address), SuppressionReason.Complaint, detail));
                }

                if (state.Message?.ReputationOwner is { } complainedOf)
                {
                    before.Add(new CountAgainstOwner(complainedOf, DispatchStatus.Complained));
                }

                break;
            case ProviderEventTypes.Opened:
                counter = EmailCounters.Opened;
                state.Opens++;
                break;
            case ProviderEventTypes.Clicked:
                counter = EmailCounters.Clicked;
                state.Clicks++;
                break;
        }

        var after = new List<DispatchEffect>();
        if (counter is not null && state.Message is not null)
        {
            // Opens, clicks and bounces count every event; the other status counters count once per dispatch.
            var dedupe = counter is EmailCounters.Opened or EmailCounters.Clicked or EmailCounters.Bounced ? providerEvent.WebhookId : id;
            after.Add(new CountEmail(counter, dedupe, providerEvent.OccurredAt));
        }

        after.AddRange(AfterFinish());
        return new DispatchDecision(true, before, after);
    }

    /// <summary>Cancels a Pending or Held message; a second cancel changes nothing.</summary>
    /// <exception cref="KudosException">Not found (nothing enqueued) or a Conflict (already sending or finished).</exception>
    public DispatchDecision Cancel()
    {
        switch (state.Status)
        {
            case DispatchStatus.Cancelled:
                return DispatchDecision.Nothing;
            case DispatchStatus.Pending or DispatchStatus.Held:
                DispatchEffect[] unindex = state.Status == DispatchStatus.Held ? [new IndexHeld(false)] : [];
                Finish(DispatchStatus.Cancelled, "Cancelled before it was sent.");
                return DispatchDecision.Changed([new PublishHealth(), new StopAttempts(), .. unindex, .. ReleaseBackstop()]);
            case DispatchStatus.None:
                throw KudosException.NotFound("dispatch");
            default:
                throw KudosException.Conflict("dispatch_not_cancellable", $"The dispatch is {state.Status}: only a Pending or Held message can be cancelled.");
        }
    }

    /// <summary>An operator's release of a Held message: due now, and the allowed-recipients list no longer applies to it.</summary>
    /// <exception cref="KudosException">Not found, or a Conflict when the message is not Held.</exception>
    public DispatchDecision Release()
    {
        if (state.Status != DispatchStatus.Held)
        {
            throw state.Status == DispatchStatus.None
                ? KudosException.NotFound("dispatch")
                : KudosException.Conflict("dispatch_not_held", $"The dispatch is {state.Status}: only a Held message can be released.");
        }

        state.Status = DispatchStatus.Pending;
        state.Released = true;
        state.FinishedAt = null;
        state.NextAttemptAt = time.GetUtcNow();
        return DispatchDecision.Changed(new PublishHealth(), new ScheduleAttempt(), new IndexHeld(false));
    }

    /// <summary>Retention: the dispatch drops its own events older than the retention period; true if it dropped any.</summary>
    public bool DropExpiredEvents()
    {
        var horizon = time.GetUtcNow() - options.EventRetention;
        return state.Events.RemoveAll(e => e.ReceivedAt < horizon) > 0;
    }

    /// <summary>
    /// The board was told of <paramref name="reported"/>; if the status moved on meanwhile, that is reported too. Not a
    /// write of its own: the board records which status it took (a repeated report changes nothing there), so the mark is
    /// stored with the dispatch's next change, and a new activation before that reports the current status once more.
    /// </summary>
    public DispatchDecision MarkReported(DispatchStatus reported)
    {
        state.ReportedStatus = reported;
        return NeedsReport ? DispatchDecision.Unchanged(new ReportToBoard(state.Message!.OutcomeBoardId!.Value)) : DispatchDecision.Nothing;
    }

    public DispatchView View() => new(
        id,
        state.Status,
        state.Attempts,
        state.EnqueuedAt,
        state.LastAttemptAt,
        state.NextAttemptAt,
        state.SentAt,
        state.ServerReply,
        state.LastError,
        state.MessageId.Length == 0 ? null : state.MessageId,
        state.Message?.EmailType,
        state.Message?.Priority ?? EmailMessage.DefaultPriority,
        state.Message?.CorrelationId,
        state.ProviderMessageId,
        state.Message?.ScheduledFor,
        state.FinishedAt,
        state.Opens,
        state.Clicks);

    public DispatchDetails Details()
    {
        var message = state.Message;
        return new DispatchDetails(
            View(),
            message?.To ?? [],
            message?.Cc ?? [],
            message?.Bcc ?? [],
            message?.Subject ?? "",
            message?.TenantId,
            [.. state.History.Select(a => new AttemptView(a.Number, a.StartedAt, a.EndedAt, a.Outcome, a.ServerReply, a.Error))],
            [.. state.Events.Select(e => new DispatchEventView(e.WebhookId, e.Type, e.OccurredAt, e.ReceivedAt, e.Detail))]);
    }

    private int MaxAttempts => state.Message!.MaxAttempts ?? options.Retry.MaxAttempts;

    /// <summary>Ends the dispatch Suppressed or Held when a recipient is suppressed or not allowed; null when it may go.</summary>
    private DispatchDecision? Refuse(IReadOnlyDictionary<string, SuppressionView> suppressions)
    {
        var message = state.Message!;
        var suppressed = message.AllRecipients()
            .Select(r => (Recipient: r, Suppression: suppressions.GetValueOrDefault(Addresses.Normalize(r.Address))))
            .FirstOrDefault(s => s.Suppression?.Covers(message.EmailType) == true);
        if (suppressed.Suppression is { } suppression)
        {
            Finish(DispatchStatus.Suppressed, $"{suppressed.Recipient.Address} is suppressed ({suppression.Reason} since {suppression.Since:O}{(suppression.Detail is null ? "" : ": " + suppression.Detail)}).");
        }
        else if (!state.Released && message.AllRecipients().FirstOrDefault(r => !RecipientPolicy.IsAllowed(r.Address, options.AllowedRecipients)) is { } blocked)
        {
            Finish(DispatchStatus.Held, $"{blocked.Address} is not in Email:AllowedRecipients; the message is held until an operator releases it.");
        }
        else
        {
            return null;
        }

        return DispatchDecision.Changed([new PublishHealth(), .. CountFinalStatus(), .. AfterFinish(), .. ReleaseBackstop()]);
    }

    /// <summary>Provider statuses only ever move forward: Sent → Delivered → Bounced → Complained.</summary>
    private void Advance(DispatchStatus status)
    {
        static int Rank(DispatchStatus s) => s switch
        {
            DispatchStatus.Sent => 1,
            DispatchStatus.Delivered => 2,
            DispatchStatus.Bounced => 3,
            DispatchStatus.Complained => 4,
            _ => 0,
        };

        if (Rank(state.Status) > 0 && Rank(status) > Rank(state.Status))
        {
            state.Status = status;
        }
    }

    private void Finish(DispatchStatus status, string? error)
    {
        state.Status = status;
        state.LastError = error;
        state.NextAttemptAt = null;
        state.FinishedAt = time.GetUtcNow();
    }

    private IEnumerable<DispatchEffect> CountFinalStatus()
    {
        var counter = state.Status switch
        {
            DispatchStatus.Sent => EmailCounters.Sent,
            DispatchStatus.Failed => EmailCounters.Failed,
            DispatchStatus.Suppressed => EmailCounters.Suppressed,
            _ => null,
        };
        return counter is null ? [] : [new CountEmail(counter, id, (state.Status == DispatchStatus.Sent ? state.SentAt : state.FinishedAt) ?? time.GetUtcNow())];
    }

    /// <summary>After the first attempt (or instead of it), a board that backstopped it is told it may stop.</summary>
    private IEnumerable<DispatchEffect> ReleaseBackstop() =>
        state.Message?.BackstopBoardId is { } board ? [new ReleaseBackstop(board)] : [];

    private IEnumerable<DispatchEffect> AfterFinish()
    {
        if (state.Status == DispatchStatus.Held)
        {
            yield return new IndexHeld(true);
        }

        if (NeedsReport)
        {
            yield return new ReportToBoard(state.Message!.OutcomeBoardId!.Value);
        }
    }

    /// <summary>The refused address: the one the server named, or the only recipient.</summary>
    private string? BouncedAddress(SendResult result)
    {
        if (result.RejectedRecipient is { } named)
        {
            return named;
        }

        var all = state.Message!.AllRecipients().ToList();
        return all.Count == 1 ? all[0].Address : null;
    }

    private static void Validate(EmailMessage message, DateTimeOffset now)
    {
        if (message.To.Count == 0)
        {
            throw KudosException.Invalid("to", "A message needs at least one recipient.");
        }

        if (message.Priority is < EmailPriorities.Highest or > EmailPriorities.Lowest)
        {
            throw KudosException.Invalid("priority", $"'priority' must be {EmailPriorities.Highest} (highest) to {EmailPriorities.Lowest}; it was {message.Priority}.");
        }

        if (message.MaxAttempts is < 1 or > EmailLimits.MaxAttempts)
        {
            throw KudosException.Invalid("maxAttempts", $"'maxAttempts' must be 1-{EmailLimits.MaxAttempts}.");
        }

        if (message.ScheduledFor is { } at && at > now + BoardLimits.MaxScheduleAhead)
        {
            throw KudosException.Invalid("scheduledFor", "'scheduledFor' may be at most a year ahead.");
        }
    }
}
