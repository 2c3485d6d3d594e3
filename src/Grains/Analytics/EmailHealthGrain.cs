using Kudos.Grains.Email;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Kudos.Grains.Analytics;

/// <summary>
/// The persisted part of the cluster health view (storage state name <c>email-health</c>): whether a backlog incident is
/// open. Rows written before the partitions also hold the dispatches the view followed then; they are handed to their
/// partitions once and dropped.
/// </summary>
public sealed class EmailHealthState
{
    public bool InIncident { get; set; }

    /// <summary>Before the partitions only: pending dispatches and when they were enqueued.</summary>
    public Dictionary<string, DateTimeOffset>? Pending { get; set; }

    /// <summary>Before the partitions only.</summary>
    public HashSet<string>? Sending { get; set; }

    /// <summary>Before the partitions only.</summary>
    public HashSet<string>? Held { get; set; }
}

/// <summary>
/// <inheritdoc cref="IEmailHealthGrain"/> The partitions push their summaries when they change; the view is their sum,
/// and a read asks every partition afresh.
/// </summary>
public sealed partial class EmailHealthGrain(
    [PersistentState("email-health", StorageNames.Kudos)] IPersistentState<EmailHealthState> health,
    IOptions<EmailOptions> options,
    IAlertSender alerts,
    TimeProvider time,
    ILogger<EmailHealthGrain> logger) : Grain, IEmailHealthGrain
{
    /// <summary>A backlog incident ends when the figures fall below this share of their thresholds.</summary>
    public const double RecoveryRatio = 0.8;

    /// <summary>A dispatch handed over from a row written before the partitions: older than any signal of it.</summary>
    private const int HandedOverVersion = -1;

    private readonly HealthSummary?[] _partitions = new HealthSummary?[HealthKeys.Partitions];
    private IGrainTimer? _backlogTimer;

    private EmailHealthState State => health.State;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        await HandOverAsync();
        await ReadPartitionsAsync();
        UpdateBacklogTimer();
    }

    public async Task UpdateAsync(int partition, HealthSummary summary)
    {
        if (partition is < 0 or >= HealthKeys.Partitions)
        {
            return;
        }

        // Keep the newest: two pushes of one partition may cross a read of it.
        if (_partitions[partition] is not { } known || summary.AsOf >= known.AsOf)
        {
            _partitions[partition] = summary;
        }

        await CheckBacklogAsync();
    }

    public async Task<EmailHealthView> GetAsync()
    {
        await ReadPartitionsAsync();
        return View();
    }

    private async Task ReadPartitionsAsync()
    {
        var read = await Task.WhenAll(Enumerable.Range(0, HealthKeys.Partitions).Select(p => GrainFactory.GetGrain<IEmailHealthPartitionGrain>(p).GetAsync()));
        for (var p = 0; p < read.Length; p++)
        {
            if (_partitions[p] is not { } known || read[p].AsOf >= known.AsOf)
            {
                _partitions[p] = read[p];
            }
        }
    }

    private EmailHealthView View()
    {
        var now = time.GetUtcNow();
        var parts = _partitions.Select(p => p ?? HealthSummary.Empty(now)).ToList();
        var alert = options.Value.Alerts;
        var oldest = parts.Min(p => p.OldestPendingSince);
        var sent = parts.Sum(p => p.SentCount);
        return new EmailHealthView(
            parts.Sum(p => p.Pending),
            parts.Sum(p => p.Sending),
            parts.Sum(p => p.Held),
            parts.Sum(p => p.FailedLast24Hours),
            oldest is { } since ? now - since : null,
            parts.Max(p => p.LastActivity),
            sent == 0 ? null : (double)parts.Sum(p => p.SentAttempts) / sent,
            parts.Sum(p => p.ResendsAfterUnknownOutcome),
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
            await health.WriteStateAsync();
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

    /// <summary>A timer only while something is pending: the oldest message ages without any update arriving.</summary>
    private void UpdateBacklogTimer()
    {
        if (_partitions.Any(p => p?.Pending > 0) || State.InIncident)
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

    /// <summary>Gives the dispatches a row written before the partitions followed to their partitions, then drops them.</summary>
    private async Task HandOverAsync()
    {
        if (State.Pending is null && State.Sending is null && State.Held is null)
        {
            return;
        }

        var now = time.GetUtcNow();
        var open = (State.Pending ?? []).Select(p => (Id: p.Key, Status: DispatchStatus.Pending, EnqueuedAt: p.Value))
            .Concat((State.Sending ?? []).Select(id => (Id: id, Status: DispatchStatus.Sending, EnqueuedAt: now)))
            .Concat((State.Held ?? []).Select(id => (Id: id, Status: DispatchStatus.Held, EnqueuedAt: now)));
        await Task.WhenAll(open
            .Select(o => new HealthSignal(o.Id, o.Status, o.EnqueuedAt, 0, now, false, HandedOverVersion))
            .GroupBy(signal => HealthKeys.Partition(signal.DispatchId))
            .Select(part => GrainFactory.GetGrain<IEmailHealthPartitionGrain>(part.Key).ApplyAsync([.. part])));

        (State.Pending, State.Sending, State.Held) = (null, null, null);
        await health.WriteStateAsync();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Email backlog {State}: {Pending} pending, oldest {OldestPendingAge}")]
    private partial void LogBacklog(string state, int pending, TimeSpan? oldestPendingAge);

    [LoggerMessage(Level = LogLevel.Error, Message = "The backlog alert to {Url} could not be delivered")]
    private partial void LogAlertFailed(Exception exception, Uri url);
}
