namespace Kudos.Silo.Storage;

/// <summary>How the project's own stores batch the statements that arrive together.</summary>
public static class StatementBatching
{
    /// <summary>
    /// The least time between the starts of two batches of one store while items keep coming: at the hundreds of emails a
    /// second of a burst a batch then holds a few items instead of one, and an item waits at most this long for its turn.
    /// </summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(10);
}

/// <summary>
/// Runs items in batches, each batch in one statement: an item that arrives while a batch is running waits for it and
/// then goes out with every item that arrived meanwhile (up to <paramref name="maxBatch"/>). Under load batches start at
/// most once per <paramref name="interval"/>, so the statements per item fall as the load rises (a statement takes a
/// fraction of a millisecond, so without the interval nearly every batch would hold one item); an item that finds no
/// batch running goes at once. Each caller's task completes with its item's result when its batch is done, or fails with
/// the batch's error (the caller retries as it would a single statement).
/// </summary>
/// <typeparam name="TItem">An item.</typeparam>
/// <typeparam name="TResult">What one item gets back.</typeparam>
/// <param name="run">Runs one batch (one statement; the items in arrival order) and returns each item's result.</param>
/// <param name="interval">The least time from one batch's start to the next one's while items keep coming.</param>
/// <param name="time">The clock the interval is waited on.</param>
/// <param name="maxBatch">The most items in one statement.</param>
public class GroupedStatements<TItem, TResult>(
    Func<IReadOnlyList<TItem>, Task<Func<TItem, TResult>>> run,
    TimeSpan interval,
    TimeProvider time,
    int maxBatch = 500)
{
    private readonly Lock _lock = new();
    private List<(TItem Item, TaskCompletionSource<TResult> Done)> _pending = [];
    private bool _running;

    /// <summary>Completes with <paramref name="item"/>'s result once its batch has run.</summary>
    public Task<TResult> RunAsync(TItem item)
    {
        var done = new TaskCompletionSource<TResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        bool start;
        lock (_lock)
        {
            _pending.Add((item, done));
            start = !_running;
            _running = true;
        }

        if (start)
        {
            // Off the caller's scheduler (a grain's): the statements are the pool's work, not the grain's turn.
            _ = Task.Run(RunAllAsync);
        }

        return done.Task;
    }

    private async Task RunAllAsync()
    {
        long? started = null;
        while (true)
        {
            if (started is { } last && interval - time.GetElapsedTime(last) is var rest && rest > TimeSpan.Zero)
            {
                // Items that arrive meanwhile join the next batch; when none did, the loop ends below.
                await Task.Delay(rest, time);
            }

            List<(TItem Item, TaskCompletionSource<TResult> Done)> batch;
            lock (_lock)
            {
                if (_pending.Count == 0)
                {
                    _running = false;
                    return;
                }

                if (_pending.Count <= maxBatch)
                {
                    batch = _pending;
                    _pending = [];
                }
                else
                {
                    batch = _pending[..maxBatch];
                    _pending.RemoveRange(0, maxBatch);
                }
            }

            started = time.GetTimestamp();
            try
            {
                var results = await run([.. batch.Select(b => b.Item)]);
                batch.ForEach(b => b.Done.TrySetResult(results(b.Item)));
            }
            catch (Exception ex)
            {
                batch.ForEach(b => b.Done.TrySetException(ex));
            }
        }
    }
}

/// <summary>
/// Writes items in batches, each batch in one statement (see <see cref="GroupedStatements{TItem, TResult}"/>); each
/// caller's task completes when its item is durable.
/// </summary>
/// <typeparam name="T">An item.</typeparam>
/// <param name="write">Writes one batch (one statement; the items in arrival order).</param>
/// <param name="interval">The least time from one batch's start to the next one's while items keep coming.</param>
/// <param name="time">The clock the interval is waited on.</param>
/// <param name="maxBatch">The most items in one statement.</param>
public sealed class GroupCommit<T>(Func<IReadOnlyList<T>, Task> write, TimeSpan interval, TimeProvider time, int maxBatch = 500)
    : GroupedStatements<T, bool>(async items => { await write(items); return _ => true; }, interval, time, maxBatch)
{
    /// <summary>Completes when <paramref name="item"/> is written.</summary>
    public Task AddAsync(T item) => RunAsync(item);
}
