using Kudos.Grains.Email;

namespace Kudos.Grains.Analytics;

/// <summary>
/// <inheritdoc cref="IEmailHealthPartitionGrain"/> Signals are applied in memory (<see cref="EmailHealthLedger"/>). The
/// figures are saved every <see cref="SaveInterval"/> when they changed — a crash loses at most that much; the dispatches
/// themselves are the record — and pushed to the cluster view at most once per <see cref="PushInterval"/>, so the cluster
/// view receives a bounded number of calls however many emails flow.
/// </summary>
public sealed class EmailHealthPartitionGrain(
    [PersistentState("email-health-partition", StorageNames.Kudos)] IPersistentState<EmailHealthPartitionState> figures,
    TimeProvider time) : Grain, IEmailHealthPartitionGrain
{
    public static readonly TimeSpan SaveInterval = TimeSpan.FromSeconds(5);

    public static readonly TimeSpan PushInterval = TimeSpan.FromSeconds(1);

    private EmailHealthLedger? _ledger;
    private bool _dirty;
    private IGrainTimer? _push;

    private EmailHealthLedger Ledger => _ledger ??= new EmailHealthLedger(figures.State, time);

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        this.RegisterGrainTimer(SaveAsync, new GrainTimerCreationOptions(SaveInterval, SaveInterval));
        return Task.CompletedTask;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) => await SaveIfDirtyAsync(cancellationToken);

    public Task ReportAsync(HealthSignal signal) => ApplyAsync([signal]);

    public Task ApplyAsync(IReadOnlyList<HealthSignal> signals)
    {
        _dirty = true;
        if (signals.Count(Ledger.Apply) > 0)
        {
            SchedulePush();
        }

        return Task.CompletedTask;
    }

    public Task<HealthSummary> GetAsync() => Task.FromResult(Ledger.Summarize());

    // Interleaved: signals keep being applied while the cluster view takes the summary (it may be posting an alert).
    private void SchedulePush() =>
        _push ??= this.RegisterGrainTimer(PushAsync, new GrainTimerCreationOptions(PushInterval, Timeout.InfiniteTimeSpan) { Interleave = true });

    private async Task PushAsync(CancellationToken cancellationToken)
    {
        _push?.Dispose();
        _push = null;
        try
        {
            await GrainFactory.GetGrain<IEmailHealthGrain>(HealthKeys.Cluster).UpdateAsync((int)this.GetPrimaryKeyLong(), Ledger.Summarize());
        }
        catch
        {
            // The view must not miss a change (the backlog alert reads the pushed figures): try again a push interval later.
            SchedulePush();
            throw;
        }
    }

    private Task SaveAsync(CancellationToken cancellationToken)
    {
        _dirty |= Ledger.Forget();
        return SaveIfDirtyAsync(cancellationToken);
    }

    private async Task SaveIfDirtyAsync(CancellationToken cancellationToken)
    {
        if (_dirty)
        {
            _dirty = false;
            try
            {
                await figures.WriteStateAsync(cancellationToken);
            }
            catch
            {
                _dirty = true;
                throw;
            }
        }
    }
}
