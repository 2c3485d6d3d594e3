using System.Collections.Concurrent;
using Kudos.Grains;

namespace Kudos.GrainTests;

/// <summary>
/// A grain whose interleaved timer waits (as a board's due step waits for its turn in the silo's gate) and then calls
/// the grain itself, as the board's due step does; the test deactivates it in between.
/// </summary>
public interface ISelfCallProbeGrain : IGrainWithGuidKey
{
    /// <summary>Arms the timer; it waits for <see cref="SelfCallProbeGrain.Release"/> of this grain's id.</summary>
    Task StartAsync();

    /// <summary>Starts deactivating this activation (the timer's work is still running).</summary>
    Task EndAsync();

    /// <summary>The step the timer calls.</summary>
    Task StepAsync();
}

public sealed class SelfCallProbeGrain : Grain, ISelfCallProbeGrain, ActivationEnding.IDeactivationAware
{
    /// <summary>Completed when the timer waits, by grain id.</summary>
    public static ConcurrentDictionary<Guid, TaskCompletionSource> Waiting { get; } = new();

    /// <summary>Completed by the test to let the timer go on, by grain id.</summary>
    public static ConcurrentDictionary<Guid, TaskCompletionSource> Release { get; } = new();

    /// <summary>How the timer's call to the grain itself ended ("stopped" when the activation's ending token stopped it), by grain id.</summary>
    public static ConcurrentDictionary<Guid, TaskCompletionSource<string>> Outcome { get; } = new();

    public ActivationEnding.Signal EndingSignal { get; } = new();

    public static TaskCompletionSource Signal(ConcurrentDictionary<Guid, TaskCompletionSource> signals, Guid id) =>
        signals.GetOrAdd(id, _ => new(TaskCreationOptions.RunContinuationsAsynchronously));

    public static TaskCompletionSource<string> OutcomeOf(Guid id) =>
        Outcome.GetOrAdd(id, _ => new(TaskCreationOptions.RunContinuationsAsynchronously));

    public Task StartAsync()
    {
        this.RegisterGrainTimer(RunAsync, new GrainTimerCreationOptions(TimeSpan.Zero, Timeout.InfiniteTimeSpan) { Interleave = true });
        return Task.CompletedTask;
    }

    public Task EndAsync()
    {
        DeactivateOnIdle();
        return Task.CompletedTask;
    }

    public Task StepAsync() => Task.CompletedTask;

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        var id = this.GetPrimaryKey();
        Signal(Waiting, id).TrySetResult();
        await Signal(Release, id).Task;
        try
        {
            await this.AsReference<ISelfCallProbeGrain>().StepAsync().WaitAsync(this.Ending());
            OutcomeOf(id).TrySetResult("ran");
        }
        catch (OperationCanceledException) when (this.Ending().IsCancellationRequested)
        {
            OutcomeOf(id).TrySetResult("stopped");
        }
        catch (Exception e)
        {
            OutcomeOf(id).TrySetResult(e.GetType().Name);
        }
    }
}
