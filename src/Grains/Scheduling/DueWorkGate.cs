using Microsoft.Extensions.Options;

namespace Kudos.Grains.Scheduling;

/// <summary>
/// Admits the due work of this silo's grains (a board's delivery step) a bounded number at a time, earliest due first.
/// When thousands of reminders fire together each tick still returns at once (<see cref="DueTimer"/>); their steps then
/// queue here instead of all reaching the database together, so the connection pool is never exhausted, no call times
/// out waiting for one, and boards are delivered in the order of their instants. Nothing is lost if the silo dies
/// while work waits here: the waiting grain's reminder (and its stored state) still own it.
/// </summary>
public sealed class DueWorkGate(IOptions<KudosOptions> options)
{
    private readonly Lock _lock = new();
    private readonly PriorityQueue<TaskCompletionSource, (DateTimeOffset DueAt, long Sequence)> _waiting = new();
    private long _sequence;
    private int _running;

    /// <summary>How many steps run at once (<see cref="KudosOptions.DueWorkConcurrency"/>).</summary>
    public int Capacity => options.Value.DueWorkConcurrency;

    /// <summary>Steps admitted and not yet finished.</summary>
    public int Running
    {
        get
        {
            lock (_lock)
            {
                return _running;
            }
        }
    }

    /// <summary>Steps waiting for admission (including any whose wait was cancelled and not yet dropped).</summary>
    public int Waiting
    {
        get
        {
            lock (_lock)
            {
                return _waiting.Count;
            }
        }
    }

    /// <summary>Waits for a place, earliest <paramref name="dueAt"/> first (ties in arrival order); dispose the slot when done.</summary>
    public async Task<Slot> EnterAsync(DateTimeOffset dueAt, CancellationToken cancellationToken = default)
    {
        TaskCompletionSource admitted;
        lock (_lock)
        {
            if (_running < Capacity && _waiting.Count == 0)
            {
                _running++;
                return new Slot(this);
            }

            admitted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiting.Enqueue(admitted, (dueAt, _sequence++));
        }

        using (cancellationToken.Register(() => admitted.TrySetCanceled(cancellationToken)))
        {
            try
            {
                await admitted.Task;
            }
            catch (OperationCanceledException)
            {
                // Admitted at the same moment as cancelled: the place is taken by nobody, pass it on.
                if (admitted.Task.IsCompletedSuccessfully)
                {
                    Release();
                }

                throw;
            }
        }

        return new Slot(this);
    }

    private void Release()
    {
        lock (_lock)
        {
            // The place goes to the earliest waiter still waiting; cancelled ones are dropped on the way.
            while (_waiting.TryDequeue(out var next, out _))
            {
                if (next.TrySetResult())
                {
                    return;
                }
            }

            _running--;
        }
    }

    /// <summary>A place in the gate; disposing it admits the next waiter.</summary>
    public sealed class Slot(DueWorkGate gate) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                gate.Release();
            }
        }
    }
}
