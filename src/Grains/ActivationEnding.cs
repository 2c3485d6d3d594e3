using Orleans.Runtime.Diagnostics;

namespace Kudos.Grains;

/// <summary>
/// A token per activation, cancelled when Orleans starts deactivating it, whatever the reason (a failed step's reset,
/// idle collection, a directory registration lost with a dead silo, shutdown). Work running in an interleaved timer
/// that waits on a call to its own grain must stop waiting then: a deactivating activation takes no new call before
/// its running work has ended, so the wait would last until the call's response timeout (30 s), and the call would
/// then be dropped.
/// </summary>
/// <remarks>
/// Orleans reports the start of a deactivation only through its lifecycle diagnostics
/// (<see cref="GrainLifecycleEvents"/>), observed from the silo's start (<see cref="Observer"/>). The signal lives in
/// the grain (<see cref="IDeactivationAware.EndingSignal"/>), so it ends with the activation, and a token source is made
/// only for an activation that asks for its token: a burst of collected boards costs no entry in a side table.
/// </remarks>
public static class ActivationEnding
{
    /// <summary>A grain that uses <see cref="Ending{TGrain}"/>; it holds its own signal.</summary>
    public interface IDeactivationAware
    {
        /// <summary>This activation's signal (one per activation, created with the grain).</summary>
        Signal EndingSignal { get; }
    }

    /// <summary>Cancelled once this activation has started deactivating.</summary>
    public static CancellationToken Ending<TGrain>(this TGrain grain)
        where TGrain : Grain, IDeactivationAware => grain.EndingSignal.Token;

    /// <summary>
    /// Whether an activation has started deactivating, as a token. Raised by the silo's lifecycle diagnostics, which
    /// may run on another thread than the grain's turns.
    /// </summary>
    public sealed class Signal
    {
        private readonly Lock _gate = new();
        private CancellationTokenSource? _source;
        private bool _ended;

        /// <summary>A token cancelled when the activation starts deactivating (already cancelled if it has).</summary>
        public CancellationToken Token
        {
            get
            {
                lock (_gate)
                {
                    return _ended ? new CancellationToken(canceled: true) : (_source ??= new CancellationTokenSource()).Token;
                }
            }
        }

        /// <summary>Marks the activation as ending and cancels the token handed out, if any; repeated calls do nothing.</summary>
        public void End()
        {
            CancellationTokenSource? source;
            lock (_gate)
            {
                if (_ended)
                {
                    return;
                }

                _ended = true;
                source = _source;
            }

            source?.Cancel();
        }
    }

    /// <summary>Observes deactivations from the first stage of the silo's start to the last of its stop.</summary>
    public sealed class Observer : ILifecycleParticipant<ISiloLifecycle>, IObserver<GrainLifecycleEvents.LifecycleEvent>
    {
        private IDisposable? _subscription;

        public void Participate(ISiloLifecycle lifecycle) => lifecycle.Subscribe(
            nameof(ActivationEnding),
            ServiceLifecycleStage.First,
            _ =>
            {
                _subscription = GrainLifecycleEvents.AllEvents.Subscribe(this);
                return Task.CompletedTask;
            },
            _ =>
            {
                _subscription?.Dispose();
                return Task.CompletedTask;
            });

        public void OnNext(GrainLifecycleEvents.LifecycleEvent value)
        {
            // Also for an activation that has not asked for its token yet: if it asks later, it gets it cancelled.
            if (value is GrainLifecycleEvents.Deactivating { GrainContext.GrainInstance: IDeactivationAware grain })
            {
                grain.EndingSignal.End();
            }
        }

        public void OnCompleted()
        {
        }

        public void OnError(Exception error)
        {
        }
    }
}
