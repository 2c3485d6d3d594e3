using System.Threading.Channels;
using System.Threading.RateLimiting;
using Kudos.Grains.Email;

namespace Kudos.Silo.Email;

/// <summary>
/// The messages waiting for a sender, in a prioritized <see cref="Channel"/> (lowest <see cref="OutgoingEmail.Priority"/>
/// number first, then the oldest <see cref="OutgoingEmail.EnqueuedAt"/>, then the first submitted), handed to one worker
/// per sender — so at most that many sends run at once — through a <see cref="TokenBucketRateLimiter"/> when a rate is
/// set. The message is picked only once a worker and a token are free, so the order is exact whenever messages wait. A
/// message cancelled while it waits is answered at once and skipped without costing a token.
/// </summary>
public sealed class SendChannel : IAsyncDisposable
{
    private readonly Channel<Entry> _channel;
    private readonly Func<OutgoingEmail, SendResult> _rejectOnShutdown;
    private readonly TokenBucketRateLimiter? _rate;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Worker[] _workers;
    private readonly Stack<Worker> _idle;
    private readonly Lock _idleLock = new();
    private readonly SemaphoreSlim _idleCount;
    private readonly Task _dispatcher;
    private long _sequence;
    private int _waiting;
    private int _disposed;

    /// <param name="senders">One per worker: each sends one message at a time (e.g. over its own SMTP connection).</param>
    /// <param name="rejectOnShutdown">The result for a message still waiting when the channel is disposed.</param>
    /// <param name="maxPerSecond">Most send starts per second, spaced 1/rate apart; 0 = unlimited.</param>
    public SendChannel(
        IReadOnlyList<Func<OutgoingEmail, CancellationToken, Task<SendResult>>> senders,
        Func<OutgoingEmail, SendResult> rejectOnShutdown,
        double maxPerSecond)
    {
        ArgumentOutOfRangeException.ThrowIfZero(senders.Count);
        ArgumentOutOfRangeException.ThrowIfNegative(maxPerSecond);
        _rejectOnShutdown = rejectOnShutdown;
        _channel = Channel.CreateUnboundedPrioritized(new UnboundedPrioritizedChannelOptions<Entry> { Comparer = EntryOrder.Instance });
        if (maxPerSecond > 0)
        {
            // One token at a time: starts are spaced a full interval apart, never bunched after an idle spell. Rounded up
            // to whole ticks, so the spacing is never shorter than 1/rate.
            var interval = TimeSpan.FromTicks((long)Math.Ceiling(TimeSpan.TicksPerSecond / maxPerSecond));
            _rate = new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
            {
                TokenLimit = 1,
                TokensPerPeriod = 1,
                ReplenishmentPeriod = interval,
                QueueLimit = 1,
                QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
                AutoReplenishment = true,
            });
        }

        _workers = [.. senders.Select(send => new Worker(send))];
        // Last in, first out: the worker that finished last takes the next message, so a trickle of messages keeps
        // reusing one warm connection and the others age out.
        _idle = new Stack<Worker>(_workers.Reverse());
        _idleCount = new SemaphoreSlim(_workers.Length, _workers.Length);
        _dispatcher = Task.Run(DispatchAsync);
    }

    /// <summary>Messages waiting for a worker.</summary>
    public int Waiting => Volatile.Read(ref _waiting);

    /// <summary>Queues <paramref name="email"/>; completes with the send's result, or cancelled while it still waits.</summary>
    public Task<SendResult> SendAsync(OutgoingEmail email, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(email);
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<SendResult>(cancellationToken);
        }

        var entry = new Entry(email, Interlocked.Increment(ref _sequence), cancellationToken);
        Interlocked.Increment(ref _waiting);
        if (!_channel.Writer.TryWrite(entry))
        {
            Interlocked.Decrement(ref _waiting);
            return Task.FromResult(_rejectOnShutdown(email));
        }

        // Answered at once when cancelled while waiting; the workers skip it.
        entry.Registration = cancellationToken.Register(static state =>
        {
            var (channel, waiting) = ((SendChannel, Entry))state!;
            if (waiting.TryLeave())
            {
                Interlocked.Decrement(ref channel._waiting);
                waiting.Completion.TrySetCanceled(waiting.CancellationToken);
            }
        }, (this, entry));
        return entry.Completion.Task;
    }

    /// <summary>
    /// Stops taking messages, answers those still waiting with the shutdown result, and waits for the sends in flight
    /// (each is bounded by the sender's own timeout).
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _channel.Writer.TryComplete();
        await _stopping.CancelAsync().ConfigureAwait(false);
        while (_channel.Reader.TryRead(out var entry))
        {
            if (entry.TryLeave())
            {
                Interlocked.Decrement(ref _waiting);
                await entry.Registration.DisposeAsync().ConfigureAwait(false);
                entry.Completion.TrySetResult(_rejectOnShutdown(entry.Email));
            }
        }

        await _dispatcher.ConfigureAwait(false);
        await Task.WhenAll(_workers.Select(w => w.Current)).ConfigureAwait(false);
        _rate?.Dispose();
        _stopping.Dispose();
    }

    private async Task DispatchAsync()
    {
        var stop = _stopping.Token;
        var reader = _channel.Reader;
        try
        {
            while (await reader.WaitToReadAsync(stop).ConfigureAwait(false))
            {
                await _idleCount.WaitAsync(stop).ConfigureAwait(false);
                using var lease = _rate is null ? null : await _rate.AcquireAsync(1, stop).ConfigureAwait(false);
                // Picked at the last moment, after a worker and a token are free: the best message waiting now
                // (cancelled ones are skipped without costing a token).
                Entry? next = null;
                while (next is null && reader.TryRead(out var entry))
                {
                    next = entry.TryLeave() ? entry : null;
                }

                if (next is null || lease is { IsAcquired: false })
                {
                    _idleCount.Release();
                    continue;
                }

                Interlocked.Decrement(ref _waiting);
                Worker worker;
                lock (_idleLock)
                {
                    worker = _idle.Pop();
                }

                worker.Current = Task.Run(() => RunAsync(worker, next), CancellationToken.None);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Disposed.
        }
    }

    private async Task RunAsync(Worker worker, Entry entry)
    {
        // From here on the send itself observes the caller's token.
        await entry.Registration.DisposeAsync().ConfigureAwait(false);
        SendResult? result = null;
        Exception? error = null;
        var cancelled = false;
        try
        {
            result = await worker.Send(entry.Email, entry.CancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (entry.CancellationToken.IsCancellationRequested)
        {
            cancelled = true;
        }
        catch (Exception ex)
        {
            error = ex;
        }
        finally
        {
            // The worker (and its parked connection) is free again before the caller learns the outcome, so a caller
            // that sends its next message at once finds this warm connection on top of the idle stack rather than a
            // worker with none to open.
            lock (_idleLock)
            {
                _idle.Push(worker);
            }

            _idleCount.Release();
        }

        if (cancelled)
        {
            entry.Completion.TrySetCanceled(entry.CancellationToken);
        }
        else if (error is not null)
        {
            entry.Completion.TrySetException(error);
        }
        else
        {
            entry.Completion.TrySetResult(result!);
        }
    }

    private sealed class Worker(Func<OutgoingEmail, CancellationToken, Task<SendResult>> send)
    {
        public Func<OutgoingEmail, CancellationToken, Task<SendResult>> Send { get; } = send;

        /// <summary>The send in progress (or the last one).</summary>
        public Task Current { get; set; } = Task.CompletedTask;
    }

    private sealed class Entry(OutgoingEmail email, long sequence, CancellationToken cancellationToken)
    {
        private int _left;

        public OutgoingEmail Email { get; } = email;

        public long Sequence { get; } = sequence;

        public CancellationToken CancellationToken { get; } = cancellationToken;

        public CancellationTokenRegistration Registration { get; set; }

        public TaskCompletionSource<SendResult> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Taken by a worker, cancelled, or answered at shutdown.</summary>
        public bool HasLeft => Volatile.Read(ref _left) != 0;

        /// <summary>Leaves the queue once: true for the first of the worker, the cancellation and the shutdown.</summary>
        public bool TryLeave() => Interlocked.Exchange(ref _left, 1) == 0;
    }

    private sealed class EntryOrder : IComparer<Entry>
    {
        public static readonly EntryOrder Instance = new();

        public int Compare(Entry? x, Entry? y)
        {
            if (ReferenceEquals(x, y) || x is null || y is null)
            {
                return ReferenceEquals(x, y) ? 0 : x is null ? -1 : 1;
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
