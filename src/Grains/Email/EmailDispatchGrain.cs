using Kudos.Grains.Boards;
using Kudos.Grains.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Kudos.Grains.Email;

/// <summary>
/// One outgoing email. Sending is driven by a durable <c>send</c> reminder due at the next attempt, so a retry survives a
/// silo restart; the status is written as <see cref="DispatchStatus.Sending"/> before each attempt, so an attempt cut
/// short by a crash is found on reactivation, recorded as of unknown outcome and retried rather than left hanging.
/// Suppression is checked at enqueue and again just before each attempt; the allowed-recipients list holds messages a
/// sandboxed provider would refuse. Every end state is recorded, and reported to the board the message is about.
/// </summary>
public sealed partial class EmailDispatchGrain(
    [PersistentState("dispatch", StorageNames.Kudos)] IPersistentState<DispatchState> dispatch,
    IEmailTransport transport,
    TimeProvider time,
    IOptions<EmailOptions> emailOptions,
    IOptions<KudosOptions> kudosOptions,
    ILogger<EmailDispatchGrain> logger) : Grain, IEmailDispatchGrain, IRemindable
{
    private const string SendReminder = "send";

    private IGrainTimer? _attemptTimer;

    private DispatchState State => dispatch.State;

    private string Id => this.GetPrimaryKeyString();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (State.Status == DispatchStatus.Sending)
        {
            // The previous activation died mid-send: the server may or may not have the message.
            if (State.History.LastOrDefault() is { EndedAt: null } attempt)
            {
                attempt.Outcome = "unknown";
                attempt.EndedAt = time.GetUtcNow();
                attempt.Error = "The silo stopped during this attempt; its outcome is unknown.";
            }

            State.Status = DispatchStatus.Pending;
            State.NextAttemptAt = time.GetUtcNow();
            await dispatch.WriteStateAsync(cancellationToken);
            LogOutcomeUnknown(Id, State.Attempts);
            KudosMetrics.SendCompleted(KudosMetrics.Outcomes.Unknown, TimeSpan.Zero);
            Publish(resentAfterUnknownOutcome: true);
        }

        if (DropExpiredEvents())
        {
            await dispatch.WriteStateAsync(cancellationToken);
        }

        if (State.Status == DispatchStatus.Pending)
        {
            await EnsureScheduledAsync();
        }

        if (NeedsReport())
        {
            this.RegisterGrainTimer(ReportOutcomeAsync, new GrainTimerCreationOptions(TimeSpan.Zero, Timeout.InfiniteTimeSpan));
        }
    }

    public async Task<DispatchView> EnqueueAsync(EmailMessage message)
    {
        if (State.Status != DispatchStatus.None)
        {
            // A repeated hand-off may follow a first one that stored the message but failed to register its reminder
            // (e.g. the reminder range's silo had just died): the caller drops its own retry once this returns.
            if (State.Status == DispatchStatus.Pending)
            {
                await EnsureScheduledAsync();
            }

            return View();
        }

        Validate(message);
        try
        {
            var now = time.GetUtcNow();
            State.Message = message;
            State.MessageId = MessageIds.For(Id, MessageIds.ParseFrom(emailOptions.Value.From).Address);
            State.EnqueuedAt = now;
            State.NextAttemptAt = message.ScheduledFor is { } at && at > now ? at : now;
            State.Status = DispatchStatus.Pending;
            if (!await RefuseIfBlockedAsync(now))
            {
                await dispatch.WriteStateAsync();
                Publish();
                await ScheduleAsync();
            }
        }
        catch
        {
            // Forget what was changed in memory (e.g. the suppression grain was unreachable): a retried enqueue must
            // start afresh, not find a "Pending" message that was never stored or scheduled.
            await this.ResetAsync(dispatch);
            throw;
        }

        LogEnqueued(Id, message.EmailType, message.Priority, message.CorrelationId, State.Status);
        return View();
    }

    public Task<DispatchView> GetAsync() => Task.FromResult(View());

    public Task<DispatchDetails> GetDetailsAsync()
    {
        var message = State.Message;
        return Task.FromResult(new DispatchDetails(
            View(),
            message?.To ?? [],
            message?.Cc ?? [],
            message?.Bcc ?? [],
            message?.Subject ?? "",
            message?.TenantId,
            [.. State.History.Select(a => new AttemptView(a.Number, a.StartedAt, a.EndedAt, a.Outcome, a.ServerReply, a.Error))],
            [.. State.Events.Select(e => new DispatchEventView(e.WebhookId, e.Type, e.OccurredAt, e.ReceivedAt, e.Detail))]));
    }

    public async Task<DispatchView> CancelAsync()
    {
        switch (State.Status)
        {
            case DispatchStatus.Cancelled:
                return View();
            case DispatchStatus.Pending or DispatchStatus.Held:
                var wasHeld = State.Status == DispatchStatus.Held;
                Finish(DispatchStatus.Cancelled, "Cancelled before it was sent.");
                await dispatch.WriteStateAsync();
                Publish();
                await UnscheduleAsync();
                if (wasHeld)
                {
                    await GrainFactory.GetGrain<IIndexGrain>(IndexNames.Held).RemoveAsync(Id);
                }

                LogCancelled(Id);
                return View();
            case DispatchStatus.None:
                throw KudosException.NotFound("dispatch");
            default:
                throw KudosException.Conflict("dispatch_not_cancellable", $"The dispatch is {State.Status}: only a Pending or Held message can be cancelled.");
        }
    }

    public async Task<DispatchView> ReleaseAsync()
    {
        if (State.Status != DispatchStatus.Held)
        {
            throw State.Status == DispatchStatus.None
                ? KudosException.NotFound("dispatch")
                : KudosException.Conflict("dispatch_not_held", $"The dispatch is {State.Status}: only a Held message can be released.");
        }

        State.Status = DispatchStatus.Pending;
        State.Released = true;
        State.FinishedAt = null;
        State.NextAttemptAt = time.GetUtcNow();
        await dispatch.WriteStateAsync();
        Publish();
        await ScheduleAsync();
        await GrainFactory.GetGrain<IIndexGrain>(IndexNames.Held).RemoveAsync(Id);
        LogReleased(Id);
        return View();
    }

    public async Task ApplyProviderEventAsync(ProviderEvent providerEvent)
    {
        if (State.AppliedEventIds.Contains(providerEvent.WebhookId))
        {
            return;
        }

        // On failure the event must apply in full when it is delivered again, not be skipped as already seen.
        await this.ResetOnFailureAsync(dispatch, () => ApplyAsync(providerEvent));
    }

    private async Task ApplyAsync(ProviderEvent providerEvent)
    {
        State.AppliedEventIds.Add(providerEvent.WebhookId);

        var now = time.GetUtcNow();
        State.Events.Add(new ProviderEventRecord
        {
            WebhookId = providerEvent.WebhookId,
            Type = providerEvent.Type,
            OccurredAt = providerEvent.OccurredAt,
            ReceivedAt = now,
            Detail = providerEvent.Detail ?? providerEvent.BounceType,
        });
        DropExpiredEvents();

        string? counter = null;
        SuppressionReason? suppress = null;
        var softBounce = false;
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
                    suppress = SuppressionReason.Bounce;
                }
                else
                {
                    softBounce = true;
                }

                break;
            case ProviderEventTypes.Complained:
                counter = EmailCounters.Complained;
                Advance(DispatchStatus.Complained);
                suppress = SuppressionReason.Complaint;
                break;
            case ProviderEventTypes.Opened:
                counter = EmailCounters.Opened;
                State.Opens++;
                break;
            case ProviderEventTypes.Clicked:
                counter = EmailCounters.Clicked;
                State.Clicks++;
                break;
        }

        // Feedback first: once the status shows the bounce or complaint, the suppression is already in place (and if
        // adding it fails, the event is not marked applied and comes back).
        var address = providerEvent.Recipient ?? State.Message?.To.FirstOrDefault()?.Address;
        if (address is not null && (suppress is not null || softBounce))
        {
            var suppression = GrainFactory.GetGrain<ISuppressionGrain>(Addresses.Normalize(address));
            var detail = $"{providerEvent.Type} {providerEvent.BounceType} (dispatch {Id})".Replace("  ", " ", StringComparison.Ordinal);
            if (suppress is { } reason)
            {
                await suppression.AddAsync(reason, expiresAt: null, detail);
            }
            else
            {
                var options = emailOptions.Value;
                await suppression.RecordSoftBounceAsync(options.SoftBounceLimit, now + options.SoftBounceSuppression, detail);
            }
        }

        await dispatch.WriteStateAsync();
        LogProviderEvent(Id, providerEvent.Type, State.Status);

        if (counter is not null)
        {
            // Opens and clicks count every event; status counters count once per dispatch.
            var dedupe = counter is EmailCounters.Opened or EmailCounters.Clicked or EmailCounters.Bounced ? providerEvent.WebhookId : Id;
            await CountAsync(counter, dedupe, providerEvent.OccurredAt);
        }

        await AfterFinishAsync();
    }

    public Task ReceiveReminder(string reminderName, TickStatus status) =>
        reminderName == SendReminder ? AttemptIfDueAsync(CancellationToken.None) : Task.CompletedTask;

    // On failure the reminder is still registered: the next tick retries from the stored state, never from a
    // "Sending" that only memory saw.
    private Task AttemptIfDueAsync(CancellationToken cancellationToken) =>
        this.ResetOnFailureAsync(dispatch, () => AttemptAsync(cancellationToken));

    private async Task AttemptAsync(CancellationToken cancellationToken)
    {
        if (State.Status != DispatchStatus.Pending)
        {
            // Nothing left to do: a duplicate or late tick after the final state.
            await UnscheduleAsync();
            return;
        }

        var now = time.GetUtcNow();
        if (State.NextAttemptAt > now)
        {
            // Woken early (timers may fire a few milliseconds before their due time, and reminder ticks come every
            // period): wait for the rest rather than for the next reminder period.
            StartAttemptTimer();
            return;
        }

        if (await RefuseIfBlockedAsync(now))
        {
            await UnscheduleAsync();
            return;
        }

        var attempt = new AttemptRecord { Number = State.Attempts + 1, StartedAt = now };
        State.History.Add(attempt);
        State.Attempts = attempt.Number;
        State.LastAttemptAt = now;
        State.Status = DispatchStatus.Sending;
        await dispatch.WriteStateAsync(cancellationToken);
        Publish();

        var message = State.Message!;
        var mime = MimeMessageFactory.Build(message, MessageIds.ParseFrom(emailOptions.Value.From), State.MessageId);
        SendResult result;
        using (KudosMetrics.StartSend(Id, attempt.Number))
        {
            var started = time.GetTimestamp();
            result = await transport.SendAsync(new OutgoingEmail(Id, mime, message.Priority, State.EnqueuedAt!.Value), cancellationToken);
            var maxAttempts = message.MaxAttempts ?? emailOptions.Value.Retry.MaxAttempts;
            KudosMetrics.SendCompleted(
                result.Outcome switch
                {
                    SendOutcome.Sent => KudosMetrics.Outcomes.Sent,
                    SendOutcome.Transient when attempt.Number < maxAttempts => KudosMetrics.Outcomes.Retrying,
                    _ => KudosMetrics.Outcomes.Failed,
                },
                time.GetElapsedTime(started));
        }

        await RecordAsync(attempt, result, cancellationToken);
    }

    private async Task RecordAsync(AttemptRecord attempt, SendResult result, CancellationToken cancellationToken)
    {
        var ended = time.GetUtcNow();
        attempt.EndedAt = ended;
        attempt.ServerReply = result.ServerReply;
        attempt.Error = result.Error;
        State.ServerReply = result.ServerReply;
        var maxAttempts = State.Message!.MaxAttempts ?? emailOptions.Value.Retry.MaxAttempts;
        string? bouncedAddress = null;
        switch (result.Outcome)
        {
            case SendOutcome.Sent:
                attempt.Outcome = "sent";
                State.SentAt = ended;
                State.ProviderMessageId = RecipientPolicy.ProviderMessageId(result.ServerReply);
                Finish(DispatchStatus.Sent, null);
                LogSent(Id, State.Attempts, ended - State.EnqueuedAt!.Value, result.ServerReply);
                break;
            case SendOutcome.Transient when State.Attempts < maxAttempts:
                attempt.Outcome = "transient";
                State.Status = DispatchStatus.Pending;
                State.LastError = result.Error;
                State.NextAttemptAt = ended + emailOptions.Value.Retry.DelayAfter(State.Attempts, Random.Shared.NextDouble());
                LogRetrying(Id, State.Attempts, maxAttempts, State.NextAttemptAt.Value, result.Error);
                break;
            case SendOutcome.Permanent when RecipientPolicy.IsNotVerified(result.ServerReply):
                attempt.Outcome = "held";
                Finish(DispatchStatus.Held, $"The provider refused an unverified recipient (sandbox): {result.ServerReply}");
                LogHeld(Id, State.LastError);
                break;
            default:
                attempt.Outcome = result.Outcome == SendOutcome.Transient ? "transient" : "permanent";
                Finish(DispatchStatus.Failed, result.Outcome == SendOutcome.Transient ? $"Gave up after {State.Attempts} attempts: {result.Error}" : result.Error);
                if (RecipientPolicy.IsUnknownUser(result.StatusCode, result.ServerReply))
                {
                    bouncedAddress = BouncedAddress(State.Message, result);
                }

                LogFailed(Id, State.Attempts, State.LastError);
                break;
        }

        await dispatch.WriteStateAsync(cancellationToken);
        Publish();
        if (State.Status == DispatchStatus.Pending)
        {
            await ScheduleAsync();
            return;
        }

        await UnscheduleAsync();
        if (State.ProviderMessageId is { } providerId)
        {
            await GrainFactory.GetGrain<IProviderMessageIndexGrain>(ProviderIndex.Key(providerId)).SetAsync(Id);
        }

        await CountFinalStatusAsync();
        if (bouncedAddress is not null)
        {
            await GrainFactory.GetGrain<ISuppressionGrain>(Addresses.Normalize(bouncedAddress))
                .AddAsync(SuppressionReason.Bounce, expiresAt: null, $"{result.ServerReply} (dispatch {Id})");
        }

        await AfterFinishAsync();
    }

    /// <summary>Ends the dispatch Suppressed or Held when a recipient is suppressed or not allowed; true if it did.</summary>
    private async Task<bool> RefuseIfBlockedAsync(DateTimeOffset now)
    {
        var message = State.Message!;
        foreach (var recipient in message.AllRecipients())
        {
            var suppression = await GrainFactory.GetGrain<ISuppressionGrain>(Addresses.Normalize(recipient.Address)).GetAsync();
            if (suppression is not null && suppression.Covers(message.EmailType))
            {
                Finish(DispatchStatus.Suppressed, $"{recipient.Address} is suppressed ({suppression.Reason} since {suppression.Since:O}{(suppression.Detail is null ? "" : ": " + suppression.Detail)}).");
                break;
            }
        }

        if (State.Status == DispatchStatus.Pending && !State.Released)
        {
            var allowed = emailOptions.Value.AllowedRecipients;
            var blocked = message.AllRecipients().FirstOrDefault(r => !RecipientPolicy.IsAllowed(r.Address, allowed));
            if (blocked is not null)
            {
                Finish(DispatchStatus.Held, $"{blocked.Address} is not in Email:AllowedRecipients; the message is held until an operator releases it.");
            }
        }

        if (State.Status == DispatchStatus.Pending)
        {
            return false;
        }

        State.FinishedAt = now;
        await dispatch.WriteStateAsync();
        Publish();
        LogBlocked(Id, State.Status, State.LastError);
        await CountFinalStatusAsync();
        await AfterFinishAsync();
        return true;
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

        if (Rank(State.Status) > 0 && Rank(status) > Rank(State.Status))
        {
            State.Status = status;
        }
    }

    /// <summary>Retention: the dispatch drops its own old events; no table is scanned for it.</summary>
    private bool DropExpiredEvents()
    {
        var horizon = time.GetUtcNow() - emailOptions.Value.EventRetention;
        return State.Events.RemoveAll(e => e.ReceivedAt < horizon) > 0;
    }

    /// <summary>Tells the health view about the current status (one-way: no send waits for it).</summary>
    private void Publish(bool resentAfterUnknownOutcome = false) =>
        _ = GrainFactory.GetGrain<IEmailHealthGrain>(HealthKeys.Cluster).ReportAsync(
            new HealthSignal(Id, State.Status, State.EnqueuedAt ?? time.GetUtcNow(), State.Attempts, time.GetUtcNow(), resentAfterUnknownOutcome));

    private Task CountFinalStatusAsync() => State.Status switch
    {
        DispatchStatus.Sent => CountAsync(EmailCounters.Sent, Id, State.SentAt ?? time.GetUtcNow()),
        DispatchStatus.Failed => CountAsync(EmailCounters.Failed, Id, State.FinishedAt ?? time.GetUtcNow()),
        DispatchStatus.Suppressed => CountAsync(EmailCounters.Suppressed, Id, State.FinishedAt ?? time.GetUtcNow()),
        _ => Task.CompletedTask,
    };

    private async Task CountAsync(string counter, string dedupeId, DateTimeOffset at)
    {
        var message = State.Message!;
        try
        {
            await GrainFactory.GetGrain<IEmailStatsGrain>(HealthKeys.Day(at)).IncrementAsync(message.EmailType, message.TenantId, counter, dedupeId);
        }
        catch (Exception ex) when (ex is TimeoutException or OrleansException)
        {
            // The dispatch's own state is the record; analytics catch up when the count is reported again (idempotent).
            LogCountFailed(ex, Id, counter);
        }
    }

    private void Finish(DispatchStatus status, string? error)
    {
        State.Status = status;
        State.LastError = error;
        State.NextAttemptAt = null;
        State.FinishedAt = time.GetUtcNow();
    }

    private async Task AfterFinishAsync()
    {
        if (State.Status == DispatchStatus.Held)
        {
            await GrainFactory.GetGrain<IIndexGrain>(IndexNames.Held).AddAsync(Id);
        }

        if (NeedsReport())
        {
            // Reported in a turn of its own: the board may be waiting on this grain right now (it enqueued the message).
            this.RegisterGrainTimer(ReportOutcomeAsync, new GrainTimerCreationOptions(TimeSpan.Zero, Timeout.InfiniteTimeSpan));
        }
    }

    private bool NeedsReport() =>
        State.Message?.OutcomeBoardId is not null
        && State.Status is DispatchStatus.Sent or DispatchStatus.Failed or DispatchStatus.Suppressed or DispatchStatus.Held
            or DispatchStatus.Bounced or DispatchStatus.Complained
        && State.ReportedStatus != State.Status;

    private async Task ReportOutcomeAsync(CancellationToken cancellationToken)
    {
        if (!NeedsReport())
        {
            return;
        }

        await GrainFactory.GetGrain<IBoardGrain>(State.Message!.OutcomeBoardId!.Value).OnDeliveryOutcomeAsync(View());
        State.ReportedStatus = State.Status;
        await dispatch.WriteStateAsync(cancellationToken);
    }

    /// <summary>
    /// Schedules the next attempt twice: a one-shot timer fires it on time, and the durable reminder, due no earlier than
    /// one period ahead, fires it if this activation dies first. (A reminder registered with a due time of about zero
    /// fires only at the next period boundary, so it cannot serve for prompt attempts.)
    /// </summary>
    private async Task ScheduleAsync()
    {
        var period = kudosOptions.Value.ReminderPeriod;
        var dueTime = State.NextAttemptAt!.Value - time.GetUtcNow();
        await this.RegisterOrUpdateReminder(SendReminder, dueTime > period ? dueTime : period, period);
        StartAttemptTimer();
    }

    /// <summary>An unfinished dispatch always has its durable reminder: registered again if it is missing.</summary>
    private async Task EnsureScheduledAsync()
    {
        if (await this.GetReminder(SendReminder) is null)
        {
            await ScheduleAsync();
        }
        else
        {
            StartAttemptTimer();
        }
    }

    private void StartAttemptTimer()
    {
        _attemptTimer?.Dispose();
        var dueTime = State.NextAttemptAt!.Value - time.GetUtcNow();
        _attemptTimer = this.RegisterGrainTimer(AttemptIfDueAsync, new GrainTimerCreationOptions(dueTime > TimeSpan.Zero ? dueTime : TimeSpan.Zero, Timeout.InfiniteTimeSpan));
    }

    private async Task UnscheduleAsync()
    {
        _attemptTimer?.Dispose();
        _attemptTimer = null;
        if (await this.GetReminder(SendReminder) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    private void Validate(EmailMessage message)
    {
        if (message.To.Count == 0)
        {
            throw KudosException.Invalid("to", "A message needs at least one recipient.");
        }

        if (message.Priority is < 1 or > 10)
        {
            throw KudosException.Invalid("priority", $"'priority' must be 1 (highest) to 10; it was {message.Priority}.");
        }

        if (message.MaxAttempts is < 1 or > 100)
        {
            throw KudosException.Invalid("maxAttempts", "'maxAttempts' must be 1-100.");
        }

        if (message.ScheduledFor is { } at && at > time.GetUtcNow() + Boards.BoardLimits.MaxScheduleAhead)
        {
            throw KudosException.Invalid("scheduledFor", "'scheduledFor' may be at most a year ahead.");
        }
    }

    /// <summary>The refused address: the one the server named, or the only recipient.</summary>
    private static string? BouncedAddress(EmailMessage message, SendResult result)
    {
        if (result.RejectedRecipient is { } named)
        {
            return named;
        }

        var all = message.AllRecipients().ToList();
        return all.Count == 1 ? all[0].Address : null;
    }

    private DispatchView View() => new(
        Id,
        State.Status,
        State.Attempts,
        State.EnqueuedAt,
        State.LastAttemptAt,
        State.NextAttemptAt,
        State.SentAt,
        State.ServerReply,
        State.LastError,
        State.MessageId.Length == 0 ? null : State.MessageId,
        State.Message?.EmailType,
        State.Message?.Priority ?? EmailMessage.DefaultPriority,
        State.Message?.CorrelationId,
        State.ProviderMessageId,
        State.Message?.ScheduledFor,
        State.FinishedAt,
        State.Opens,
        State.Clicks);
}
