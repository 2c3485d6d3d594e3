using Kudos.Grains.Email;

namespace Kudos.Silo.Email;

/// <summary>
/// The messages waiting for a sender, and the limits in front of the SMTP server: at most <c>maxConcurrency</c> sends at
/// once and, when <c>maxPerSecond</c> &gt; 0, a send start every 1/<c>maxPerSecond</c> seconds at the earliest.
/// <para>
/// A single dispatch loop first waits for a free sender, then for a waiting message, then for the rate limiter's next
/// slot, and only then picks the message: the lowest <see cref="OutgoingEmail.Priority"/> number, then the oldest
/// <see cref="OutgoingEmail.EnqueuedAt"/>, then the first submitted. Picking at the last moment makes the order exact
/// whenever messages are waiting. Cancelling a waiting message removes it from the queue.
/// </para>
/// <para>
/// Rate: the starts are spaced 1/rate apart on a fixed grid; a start delayed by the timer does not push the grid back
/// (lateness of less than one interval is caught up), so the average is the configured rate and never above it.
/// </para>
/// </summary>
public sealed class PrioritySendQueue : IAsyncDisposable
{
    private readonly Func<OutgoingEmail, CancellationToken, Task<SendResult>> _send;
    private readonly Func<OutgoingEmail, SendResult> _rejectOnShutdown;
    private readonly TimeProvider _time;
    private readonly PriorityQueue<Entry, Entry> _queue = new(EntryOrder.Instance);
    private readonly Lock _lock = new();
    private readonly SemaphoreSlim _senders;
    private readonly SemaphoreSlim _arrivals = new(0);
    private readonly CancellationTokenSource _stopping = new();
    private readonly long _step;
    private readonly Task _loop;
    private long _sequence;
    private long _nextStart;
    private int _running;
    private TaskCompletionSource? _drained;
    private bool _stopped;

    /// <param name="send">Sends one message; runs on the thread pool, at most <paramref name="maxConcurrency"/> at once.</param>
    /// <param name="rejectOnShutdown">The result for a message still waiting when the queue is disposed.</param>
    /// <param name="maxConcurrency">Most sends at once (≥ 1).</param>
    /// <param name="maxPerSecond">Most send starts per second; 0 = unlimited.</param>
    /// <param name="time">The clock.</param>
    public PrioritySendQueue(
        Func<OutgoingEmail, CancellationToken, Task<SendResult>> send,
        Func<OutgoingEmail, SendResult> rejectOnShutdown,
        int maxConcurrency,
        double maxPerSecond,
        TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxConcurrency, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(maxPerSecond);
        _send = send;
        _rejectOnShutdown = rejectOnShutdown;
        _time = time;
        _senders = new SemaphoreSlim(maxConcurrency, maxConcurrency);
        // Rounded up: the spacing is never shorter than 1/rate, whatever the clock's resolution.
        _step = maxPerSecond > 0 ? (long)Math.Ceiling(time.TimestampFrequency / maxPerSecond) : 0;
        _loop = Task.Run(DispatchAsync);
    }

    /// <summary>Messages waiting for a sender.</summary>
    public int Waiting
    {
        get
        {
            lock (_lock)
            {
                return _queue.Count;
            }
        }
    }

    /// <summary>Queues <paramref name="email"/>; completes with the send's result, or cancelled while it still waits.</summary>
    public Task<SendResult> SendAsync(OutgoingEmail email, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(email);
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<SendResult>(cancellationToken);
        }

        var waiting = new Entry(email, Interlocked.Increment(ref _sequence), cancellationToken);
        lock (_lock)
        {
            if (_stopped)
            {
                return Task.FromResult(_rejectOnShutdown(email));
            }

            _queue.Enqueue(waiting, waiting);
        }

        // Registered after the enqueue: a token cancelled in between runs the callback at once and removes the item.
        var registration = cancellationToken.Register(static state =>
        {
            var (queue, item) = ((PrioritySendQueue, Entry))state!;
            queue.CancelWaiting(item);
        }, (this, waiting));
        lock (_lock)
        {
            if (!waiting.Dequeued)
            {
                waiting.Registration = registration;
                registration = default;
            }
        }

        registration.Dispose(); // a no-op unless the dispatcher took the item already
        _arrivals.Release();
        return waiting.Completion.Task;
    }

    /// <summary>
    /// Stops taking messages, answers those still waiting with the shutdown result, and waits for the sends in flight
    /// (each is bounded by the SMTP timeout).
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        List<(Entry Item, CancellationTokenRegistration Registration)> abandoned;
        Task drained;
        lock (_lock)
        {
            if (_stopped)
            {
                return;
            }

            _stopped = true;
            abandoned = [];
            while (_queue.TryDequeue(out var item, out _))
            {
                item.Dequeued = true;
                abandoned.Add((item, item.Registration));
            }

            _drained = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            if (_running == 0)
            {
                _drained.TrySetResult();
            }

            drained = _drained.Task;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        foreach (var (item, registration) in abandoned)
        {
            await registration.DisposeAsync().ConfigureAwait(false);
            item.Completion.TrySetResult(_rejectOnShutdown(item.Email));
        }

        await _loop.ConfigureAwait(false);
        await drained.ConfigureAwait(false);
        _stopping.Dispose();
    }

    private void CancelWaiting(Entry item)
    {
        bool removed;
        lock (_lock)
        {
            removed = _queue.Remove(item, out _, out _, ReferenceEqualityComparer.Instance);
        }

        if (removed)
        {
            item.Completion.TrySetCanceled(item.CancellationToken);
        }
    }

    private async Task DispatchAsync()
    {
        var stop = _stopping.Token;
        try
        {
            while (true)
            {
                await _senders.WaitAsync(stop).ConfigureAwait(false);
                Entry? next = null;
                CancellationTokenRegistration registration = default;
                while (next is null)
                {
                    await _arrivals.WaitAsync(stop).ConfigureAwait(false);
                    await WaitForRateSlotAsync(stop).ConfigureAwait(false);
                    lock (_lock)
                    {
                        // Empty when the item this arrival announced was cancelled meanwhile: wait for the next one.
                        if (_queue.TryDequeue(out next, out _))
                        {
                            _running++;
                            next.Dequeued = true;
                            registration = next.Registration;
                        }
                    }
                }

                TakeRateSlot();
                // From here on the send itself observes the caller's token.
                await registration.DisposeAsync().ConfigureAwait(false);
                _ = Task.Run(() => RunAsync(next), CancellationToken.None);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Disposed.
        }
    }

    private async Task WaitForRateSlotAsync(CancellationToken stop)
    {
        if (_step == 0)
        {
            return;
        }

        var wait = _time.GetElapsedTime(_time.GetTimestamp(), Volatile.Read(ref _nextStart));
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, _time, stop).ConfigureAwait(false);
        }
    }

    private void TakeRateSlot()
    {
        if (_step == 0)
        {
            return;
        }

        var now = _time.GetTimestamp();
        // On the grid when less than one interval late; otherwise (the queue was idle) a new grid starts now.
        var next = _nextStart + _step;
        Volatile.Write(ref _nextStart, next > now ? next : now + _step);
    }

    private async Task RunAsync(Entry item)
    {
        try
        {
            var result = await _send(item.Email, item.CancellationToken).ConfigureAwait(false);
            item.Completion.TrySetResult(result);
        }
        catch (OperationCanceledException) when (item.CancellationToken.IsCancellationRequested)
        {
            item.Completion.TrySetCanceled(item.CancellationToken);
        }
        catch (Exception ex)
        {
            item.Completion.TrySetException(ex);
        }
        finally
        {
            TaskCompletionSource? drained;
            lock (_lock)
            {
                _running--;
                drained = _stopped && _running == 0 ? _drained : null;
            }

            _senders.Release();
            drained?.TrySetResult();
        }
    }

    private sealed class Entry(OutgoingEmail email, long sequence, CancellationToken cancellationToken)
    {
        public OutgoingEmail Email { get; } = email;

        public long Sequence { get; } = sequence;

        public CancellationToken CancellationToken { get; } = cancellationToken;

        /// <summary>Removes the item when the caller cancels while it waits; guarded by the queue's lock.</summary>
        public CancellationTokenRegistration Registration { get; set; }

        /// <summary>Taken by the dispatcher; guarded by the queue's lock.</summary>
        public bool Dequeued { get; set; }

        public TaskCompletionSource<SendResult> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private sealed class EntryOrder : IComparer<Entry>
    {
        public static readonly EntryOrder Instance = new();

        public int Compare(Entry? x, Entry? y)
        {
            if (ReferenceEquals(x, y))
            {
                return 0;
            }

            if (x is null || y is null)
            {
                return x is null ? -1 : 1;
            }

            var byPriority = x.Email.Priority.CompareTo(y.Email.Priority);
            if (byPriority != 0)
            {
                return byPriority;
            }

            var byAge = x.Email.EnqueuedAt.CompareTo(y.Email.EnqueuedAt);
            return byAge != 0 ? byAge : x.Sequence.CompareTo(y.Sequence);
        }
    }
}
