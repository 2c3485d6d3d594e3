using Kudos.Grains.Email;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Kudos.Grains.Analytics;

/// <summary>The persisted health figures (storage state name <c>email-health</c>), saved every few seconds when changed.</summary>
public sealed class EmailHealthState
{
    /// <summary>Pending dispatches and when they were enqueued.</summary>
    public Dictionary<string, DateTimeOffset> Pending { get; set; } = [];

    public HashSet<string> Sending { get; set; } = [];

    public HashSet<string> Held { get; set; } = [];

    /// <summary>When each of the last day's failures happened.</summary>
    public List<DateTimeOffset> Failures { get; set; } = [];

    public DateTimeOffset? LastActivity { get; set; }

    public long SentCount { get; set; }

    public long SentAttempts { get; set; }

    public long ResendsAfterUnknownOutcome { get; set; }

    public bool InIncident { get; set; }
}

/// <summary>
/// <inheritdoc cref="IEmailHealthGrain"/> Signals are one-way and applied in memory; the figures are saved every
/// <see cref="SaveInterval"/> when they changed, so a crash can lose at most that much (the figures are indicators,
/// the dispatches themselves are the record).
/// </summary>
public sealed partial class EmailHealthGrain(
    [PersistentState("email-health", StorageNames.Kudos)] IPersistentState<EmailHealthState> health,
    IOptions<EmailOptions> options,
    IAlertSender alerts,
    TimeProvider time,
    ILogger<EmailHealthGrain> logger) : Grain, IEmailHealthGrain
{
    public static readonly TimeSpan SaveInterval = TimeSpan.FromSeconds(5);

    /// <summary>A backlog incident ends when the figures fall below this share of their thresholds.</summary>
    public const double RecoveryRatio = 0.8;

    private EmailHealthState State => health.State;

    private bool _dirty;
    private IGrainTimer? _backlogTimer;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        this.RegisterGrainTimer(SaveIfDirtyAsync, new GrainTimerCreationOptions(SaveInterval, SaveInterval));
        UpdateBacklogTimer();
        return Task.CompletedTask;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) => await SaveIfDirtyAsync(cancellationToken);

    public async Task ReportAsync(HealthSignal signal)
    {
        State.Pending.Remove(signal.DispatchId);
        State.Sending.Remove(signal.DispatchId);
        State.Held.Remove(signal.DispatchId);
        switch (signal.Status)
        {
            case DispatchStatus.Pending:
                State.Pending[signal.DispatchId] = signal.EnqueuedAt;
                break;
            case DispatchStatus.Sending:
                State.Sending.Add(signal.DispatchId);
                break;
            case DispatchStatus.Held:
                State.Held.Add(signal.DispatchId);
                break;
            case DispatchStatus.Sent:
                State.SentCount++;
                State.SentAttempts += signal.Attempts;
                break;
            case DispatchStatus.Failed:
                State.Failures.Add(signal.At);
                break;
        }

        if (signal.ResentAfterUnknownOutcome)
        {
            State.ResendsAfterUnknownOutcome++;
        }

        State.LastActivity = signal.At;
        _dirty = true;
        await CheckBacklogAsync();
    }

    public Task<EmailHealthView> GetAsync() => Task.FromResult(View());

    private EmailHealthView View()
    {
        var now = time.GetUtcNow();
        State.Failures.RemoveAll(f => f < now - TimeSpan.FromDays(1));
        var alert = options.Value.Alerts;
        TimeSpan? oldest = State.Pending.Count == 0 ? null : now - State.Pending.Values.Min();
        return new EmailHealthView(
            State.Pending.Count,
            State.Sending.Count,
            State.Held.Count,
            State.Failures.Count,
            oldest,
            State.LastActivity,
            State.SentCount == 0 ? null : (double)State.SentAttempts / State.SentCount,
            State.ResendsAfterUnknownOutcome,
            State.InIncident,
            alert.PendingThreshold,
            alert.OldestPendingThreshold);
    }

    /// <summary>Starts or ends an incident; posts once for each.</summary>
    private async Task CheckBacklogAsync()
    {
        var view = View();
        // Hysteresis: an incident starts at a threshold and ends only below RecoveryRatio of it, so a backlog hovering
        // at the line raises one alert, not one per message.
        var crossed = State.InIncident
            ? view.Pending >= view.PendingThreshold * RecoveryRatio || view.OldestPendingAge >= view.OldestPendingThreshold * RecoveryRatio
            : view.Pending >= view.PendingThreshold || view.OldestPendingAge >= view.OldestPendingThreshold;
        if (crossed != State.InIncident)
        {
            State.InIncident = crossed;
            _dirty = true;
            await SaveIfDirtyAsync(CancellationToken.None);
            var alert = new BacklogAlert(crossed ? "backlog" : "recovered", view.Pending, view.OldestPendingAge?.TotalSeconds, view.PendingThreshold, view.OldestPendingThreshold.TotalSeconds, time.GetUtcNow());
            LogBacklog(alert.State, view.Pending, view.OldestPendingAge);
            if (options.Value.Alerts.WebhookUrl is { } url)
            {
                try
                {
                    await alerts.SendAsync(url, alert, CancellationToken.None);
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                {
                    LogAlertFailed(ex, url);
                }
            }
        }

        UpdateBacklogTimer();
    }

    /// <summary>A timer only while something is pending: the oldest message ages without any signal arriving.</summary>
    private void UpdateBacklogTimer()
    {
        if (State.Pending.Count > 0 || State.InIncident)
        {
            var interval = options.Value.Alerts.CheckInterval;
            _backlogTimer ??= this.RegisterGrainTimer(_ => CheckBacklogAsync(), new GrainTimerCreationOptions(interval, interval));
        }
        else
        {
            _backlogTimer?.Dispose();
            _backlogTimer = null;
        }
    }

    private async Task SaveIfDirtyAsync(CancellationToken cancellationToken)
    {
        if (_dirty)
        {
            _dirty = false;
            try
            {
                await health.WriteStateAsync(cancellationToken);
            }
            catch
            {
                _dirty = true;
                throw;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Email backlog {State}: {Pending} pending, oldest {OldestPendingAge}")]
    private partial void LogBacklog(string state, int pending, TimeSpan? oldestPendingAge);

    [LoggerMessage(Level = LogLevel.Error, Message = "The backlog alert to {Url} could not be delivered")]
    private partial void LogAlertFailed(Exception exception, Uri url);
}
