using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Kudos.Grains.Email;

/// <summary>
/// One outgoing email. Sending is driven by a durable <c>send</c> reminder due at the next attempt, so a retry survives a
/// silo restart; the status is written as <see cref="DispatchStatus.Sending"/> before each attempt, so an attempt cut
/// short by a crash is found on reactivation, recorded as of unknown outcome and retried rather than left hanging.
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
            var attempt = State.History.LastOrDefault();
            if (attempt is not null && attempt.EndedAt is null)
            {
                attempt.Outcome = "unknown";
                attempt.EndedAt = time.GetUtcNow();
                attempt.Error = "The silo stopped during this attempt; its outcome is unknown.";
            }

            State.Status = DispatchStatus.Pending;
            State.NextAttemptAt = time.GetUtcNow();
            await dispatch.WriteStateAsync(cancellationToken);
            LogOutcomeUnknown(Id, State.Attempts);
        }

        if (State.Status == DispatchStatus.Pending)
        {
            StartAttemptTimer();
        }
    }

    public async Task<DispatchView> EnqueueAsync(EmailMessage message)
    {
        if (State.Status != DispatchStatus.None)
        {
            return View();
        }

        if (message.To.Count == 0)
        {
            throw KudosException.Invalid("to", "A message needs at least one recipient.");
        }

        var now = time.GetUtcNow();
        State.Message = message;
        State.MessageId = MessageIds.For(Id, MessageIds.ParseFrom(emailOptions.Value.From).Address);
        State.Status = DispatchStatus.Pending;
        State.EnqueuedAt = now;
        State.NextAttemptAt = now;
        await dispatch.WriteStateAsync();
        await ScheduleAsync();
        LogEnqueued(Id, message.EmailType, message.CorrelationId);
        return View();
    }

    public Task<DispatchView> GetAsync() => Task.FromResult(View());

    public Task ReceiveReminder(string reminderName, TickStatus status) =>
        reminderName == SendReminder ? AttemptIfDueAsync(CancellationToken.None) : Task.CompletedTask;

    private async Task AttemptIfDueAsync(CancellationToken cancellationToken)
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
            return;
        }

        var attempt = new AttemptRecord { Number = State.Attempts + 1, StartedAt = now };
        State.History.Add(attempt);
        State.Attempts = attempt.Number;
        State.LastAttemptAt = now;
        State.Status = DispatchStatus.Sending;
        await dispatch.WriteStateAsync(cancellationToken);

        var mime = MimeMessageFactory.Build(State.Message!, MessageIds.ParseFrom(emailOptions.Value.From), State.MessageId);
        var result = await transport.SendAsync(new OutgoingEmail(Id, mime, Priority: 1, State.EnqueuedAt!.Value), cancellationToken);
        var ended = time.GetUtcNow();
        attempt.EndedAt = ended;
        attempt.ServerReply = result.ServerReply;
        attempt.Error = result.Error;
        State.ServerReply = result.ServerReply;
        var policy = emailOptions.Value.Retry;
        switch (result.Outcome)
        {
            case SendOutcome.Sent:
                attempt.Outcome = "sent";
                State.Status = DispatchStatus.Sent;
                State.SentAt = ended;
                State.NextAttemptAt = null;
                State.LastError = null;
                LogSent(Id, State.Attempts, ended - State.EnqueuedAt!.Value, result.ServerReply);
                break;
            case SendOutcome.Transient when State.Attempts < policy.MaxAttempts:
                attempt.Outcome = "transient";
                State.Status = DispatchStatus.Pending;
                State.LastError = result.Error;
                State.NextAttemptAt = ended + policy.DelayAfter(State.Attempts, Random.Shared.NextDouble());
                LogRetrying(Id, State.Attempts, policy.MaxAttempts, State.NextAttemptAt.Value, result.Error);
                break;
            default:
                attempt.Outcome = result.Outcome == SendOutcome.Transient ? "transient" : "permanent";
                State.Status = DispatchStatus.Failed;
                State.NextAttemptAt = null;
                State.LastError = result.Outcome == SendOutcome.Transient
                    ? $"Gave up after {State.Attempts} attempts: {result.Error}"
                    : result.Error;
                LogFailed(Id, State.Attempts, State.LastError);
                break;
        }

        await dispatch.WriteStateAsync(cancellationToken);
        if (State.Status == DispatchStatus.Pending)
        {
            await ScheduleAsync();
        }
        else
        {
            await UnscheduleAsync();
        }
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

    private void StartAttemptTimer()
    {
        _attemptTimer?.Dispose();
        var dueTime = State.NextAttemptAt!.Value - time.GetUtcNow();
        _attemptTimer = this.RegisterGrainTimer(AttemptIfDueAsync, new GrainTimerCreationOptions(dueTime > TimeSpan.Zero ? dueTime : TimeSpan.Zero, Timeout.InfiniteTimeSpan));
    }

    private async Task UnscheduleAsync()
    {
        if (await this.GetReminder(SendReminder) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
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
        State.MessageId.Length == 0 ? null : State.MessageId);
}
