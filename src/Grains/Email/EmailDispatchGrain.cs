using Kudos.Grains.Boards;
using Kudos.Grains.Scheduling;
using Kudos.Grains.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Kudos.Grains.Email;

/// <summary>
/// One outgoing email. The rules are <see cref="Dispatch"/>'s; this grain loads, decides, writes once and runs the
/// effects. Attempts are driven by a <see cref="DueTimer"/> (durable <c>send</c> reminder + punctual timer) whose step
/// interleaves with the grain's calls, so a message waiting for the transport's rate limit does not hold the grain's
/// turn: every state change goes through <see cref="_gate"/> instead, released while the transport has the message.
/// </summary>
public sealed partial class EmailDispatchGrain(
    [PersistentState("dispatch", StorageNames.Kudos)] IPersistentState<DispatchState> dispatch,
    IEmailTransport transport,
    TimeProvider time,
    IOptions<EmailOptions> emailOptions,
    IOptions<KudosOptions> kudosOptions,
    IGrainFactory grainFactory,
    Indexes.IIndexStore indexes,
    IProviderMessageStore providerMessages,
    Analytics.IEmailStatsStore stats,
    ILogger<EmailDispatchGrain> logger) : Grain, IEmailDispatchGrain, IRemindable
{
    private const string SendReminder = "send";

    private static readonly IReadOnlyDictionary<string, SuppressionView> NoSuppressions = new Dictionary<string, SuppressionView>();

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly DispatchSideEffects _sideEffects = new(grainFactory, indexes, providerMessages, stats, time, logger);
    private DueTimer? _attempts;
    private bool _sending;

    // The attempt the hand-off began and stored (Sending), which this activation's timer is about to send.
    private OutgoingEmail? _begun;

    private Dispatch Dispatch => new(Id, dispatch.State, emailOptions.Value, time);

    private DueTimer Attempts => _attempts ??=
        new DueTimer(this, SendReminder, kudosOptions.Value.ReminderPeriod, time, () => AttemptDue, AttemptAsync, interleave: true);

    /// <summary>When the timer should run the attempt step: now for the attempt the hand-off began, else the next due attempt.</summary>
    private DateTimeOffset? AttemptDue => _begun is null ? Dispatch.NextAttemptDue : dispatch.State.LastAttemptAt;

    private string Id => this.GetPrimaryKeyString();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var decision = Dispatch.MarkOutcomeUnknown();
        if (decision.Write)
        {
            // The previous activation died mid-send: the server may or may not have the message.
            LogOutcomeUnknown(Id, dispatch.State.Attempts);
            KudosMetrics.SendCompleted(KudosMetrics.Outcomes.Unknown, TimeSpan.Zero);
        }

        await RunAsync(Dispatch.DropExpiredEvents() ? decision with { Write = true } : decision, cancellationToken);
        await Attempts.EnsureAsync();
        if (Dispatch.NeedsReport)
        {
            ReportSoon();
        }
    }

    public async Task<DispatchView> EnqueueAsync(EmailMessage message)
    {
        if (_sending)
        {
            // A repeated hand-off while the first is being sent: nothing to wait for.
            return Dispatch.View();
        }

        var lookups = dispatch.State.Status == DispatchStatus.None ? await _sideEffects.SuppressionsAsync(message.AllRecipients()) : NoSuppressions;
        await ChangeAsync(dispatch =>
        {
            // Set before the write's effects run: they arm the timer for the attempt this write begins. A repeated
            // hand-off begins nothing and leaves the first one's attempt as it is.
            var accepted = dispatch.Accept(message, lookups);
            _begun = accepted.Send ?? _begun;
            return accepted;
        });
        var status = dispatch.State.Status;
        LogEnqueued(status is DispatchStatus.Pending or DispatchStatus.Sending ? LogLevel.Debug : LogLevel.Information, Id, message.EmailType, message.Priority, message.CorrelationId, status);
        return Dispatch.View();
    }

    public Task<DispatchView> GetAsync() => Task.FromResult(Dispatch.View());

    public Task<DispatchDetails> GetDetailsAsync() => Task.FromResult(Dispatch.Details());

    public async Task<DispatchView> CancelAsync()
    {
        if ((await ChangeAsync(dispatch => dispatch.Cancel())).Write)
        {
            LogCancelled(Id);
        }

        return Dispatch.View();
    }

    public async Task<DispatchView> ReleaseAsync()
    {
        await ChangeAsync(dispatch => dispatch.Release());
        LogReleased(Id);
        return Dispatch.View();
    }

    public async Task ApplyProviderEventAsync(ProviderEvent providerEvent)
    {
        if ((await ChangeAsync(dispatch => dispatch.ApplyProviderEvent(providerEvent))).Write)
        {
            LogProviderEvent(Id, providerEvent.Type, dispatch.State.Status);
        }
    }

    public Task ReceiveReminder(string reminderName, TickStatus status) =>
        reminderName == SendReminder ? Attempts.OnReminderAsync() : Task.CompletedTask;

    // On failure the reminder is still registered: the next tick retries from the stored state, never from a "Sending"
    // that only memory saw. A duplicate tick while this activation sends changes nothing.
    private async Task AttemptAsync(CancellationToken cancellationToken)
    {
        if (_sending)
        {
            return;
        }

        try
        {
            await this.ResetOnFailureAsync(dispatch, () => AttemptStepsAsync(cancellationToken));
        }
        catch (Exception ex)
        {
            LogAttemptFailed(ex, Id);
            throw;
        }
    }

    private async Task AttemptStepsAsync(CancellationToken cancellationToken)
    {
        _sending = true;
        try
        {
            var email = _begun ?? await BeginAttemptAsync();
            _begun = null;
            if (email is null)
            {
                return;
            }

            // Outside the gate: the transport may hold the message for the rate limit while the grain answers calls.
            SendResult result;
            using (KudosMetrics.StartSend(Id, dispatch.State.Attempts))
            {
                var started = time.GetTimestamp();
                result = await transport.SendAsync(email, cancellationToken);
                await ChangeAsync(dispatch => dispatch.Record(result));
                KudosMetrics.SendCompleted(
                    dispatch.State.Status switch
                    {
                        DispatchStatus.Sent => KudosMetrics.Outcomes.Sent,
                        DispatchStatus.Pending => KudosMetrics.Outcomes.Retrying,
                        _ => KudosMetrics.Outcomes.Failed,
                    },
                    time.GetElapsedTime(started));
            }

            LogRecorded(result);
        }
        finally
        {
            _sending = false;
        }
    }

    /// <summary>Begins the due attempt (stored as Sending) and returns the message, or null when none may go now.</summary>
    private async Task<OutgoingEmail?> BeginAttemptAsync()
    {
        var lookups = Dispatch.NextAttemptDue <= time.GetUtcNow() ? await _sideEffects.SuppressionsAsync(Dispatch.Recipients) : NoSuppressions;
        var begun = await ChangeAsync(dispatch => dispatch.BeginAttempt(lookups));
        if (begun.Send is null && begun.Write)
        {
            LogBlocked(Id, dispatch.State.Status, dispatch.State.LastError);
        }

        return begun.Send;
    }

    /// <summary>
    /// Decides under the gate, writes once and runs the effects. If a step fails part-way the grain is reset (memory may
    /// be ahead of storage): a retried enqueue starts afresh, a redelivered event applies in full, the next tick retries.
    /// </summary>
    private async Task<DispatchDecision> ChangeAsync(Func<Dispatch, DispatchDecision> decide)
    {
        await _gate.WaitAsync();
        try
        {
            var decision = decide(Dispatch);
            await this.ResetOnFailureAsync(dispatch, () => RunAsync(decision, CancellationToken.None));
            return decision;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task RunAsync(DispatchDecision decision, CancellationToken cancellationToken)
    {
        foreach (var effect in decision.Before)
        {
            await RunAsync(effect);
        }

        if (decision.Write)
        {
            await dispatch.WriteStateAsync(cancellationToken);
        }

        foreach (var effect in decision.After)
        {
            await RunAsync(effect);
        }
    }

    private Task RunAsync(DispatchEffect effect)
    {
        switch (effect)
        {
            case ScheduleAttempt { IfMissing: true }:
                return Attempts.EnsureAsync();
            case ScheduleAttempt { Backstopped: true }:
                Attempts.ArmBackstopped();
                return Task.CompletedTask;
            case ScheduleAttempt:
                return Attempts.ScheduleAsync();
            case StopAttempts:
                return Attempts.CancelAsync();
            case ReportToBoard:
                ReportSoon();
                return Task.CompletedTask;
            case ReleaseBackstop release:
                return GrainFactory.GetGrain<IBoardGrain>(release.BoardId).OnBackstopReleasedAsync(Id);
            default:
                return _sideEffects.RunAsync(effect, Id, dispatch.State);
        }
    }

    /// <summary>Reported in a turn of its own: the board may be waiting on this grain right now (it enqueued the message).</summary>
    private void ReportSoon() =>
        this.RegisterGrainTimer(ReportOutcomeAsync, new GrainTimerCreationOptions(TimeSpan.Zero, Timeout.InfiniteTimeSpan));

    private async Task ReportOutcomeAsync(CancellationToken cancellationToken)
    {
        if (Dispatch.NeedsReport)
        {
            var reported = Dispatch.View();
            await GrainFactory.GetGrain<IBoardGrain>(dispatch.State.Message!.OutcomeBoardId!.Value).OnDeliveryOutcomeAsync(reported);
            await ChangeAsync(dispatch => dispatch.MarkReported(reported.Status));
        }
    }
}
