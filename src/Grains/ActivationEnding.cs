using System.Runtime.CompilerServices;
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
/// (<see cref="GrainLifecycleEvents"/>), observed from the silo's start (<see cref="Observer"/>); the token is kept in a
/// weak table keyed by the activation, so it ends with it.
/// </remarks>
public static class ActivationEnding
{
    /// <summary>Marks a grain that uses <see cref="Ending{TGrain}"/>.</summary>
    public interface IDeactivationAware;

    private static readonly ConditionalWeakTable<IGrainContext, CancellationTokenSource> Tokens = [];

    /// <summary>Cancelled once this activation has started deactivating.</summary>
    public static CancellationToken Ending<TGrain>(this TGrain grain)
        where TGrain : Grain, IDeactivationAware => TokenSource(grain.GrainContext).Token;

    private static CancellationTokenSource TokenSource(IGrainContext activation) =>
        Tokens.GetValue(activation, static _ => new CancellationTokenSource());

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
            // Only grains that ask for the token are tracked: an entry for every deactivating activation would cost memory
            // for nothing (measured in P3: a table entry per collected board).
            if (value is GrainLifecycleEvents.Deactivating { GrainContext.GrainInstance: IDeactivationAware } deactivating)
            {
                // Also for an activation that has not asked for its token yet: it gets it cancelled.
                TokenSource(deactivating.GrainContext).Cancel();
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
