namespace Kudos.Silo.Storage;

/// <summary>
/// Writes items in batches, each batch in one statement: an item that arrives while a batch is being written waits for
/// it and then goes out with every item that arrived meanwhile (up to <paramref name="maxBatch"/>). Alone, an item is
/// written at once; under load the statements per item fall as the load rises. Each caller's task completes when its
/// item is durable, or fails with the batch's error (the caller retries as it would a single statement).
/// </summary>
/// <typeparam name="T">An item.</typeparam>
/// <param name="write">Writes one batch (one statement; the items in arrival order).</param>
/// <param name="maxBatch">The most items in one statement.</param>
public sealed class GroupCommit<T>(Func<IReadOnlyList<T>, Task> write, int maxBatch = 500)
{
    private readonly Lock _lock = new();
    private List<(T Item, TaskCompletionSource Written)> _pending = [];
    private bool _writing;

    /// <summary>Completes when <paramref name="item"/> is written.</summary>
    public Task AddAsync(T item)
    {
        var written = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        bool start;
        lock (_lock)
        {
            _pending.Add((item, written));
            start = !_writing;
            _writing = true;
        }

        if (start)
        {
            // Off the caller's scheduler (a grain's): the writes are the pool's work, not the grain's turn.
            _ = Task.Run(WriteAllAsync);
        }

        return written.Task;
    }

    private async Task WriteAllAsync()
    {
        while (true)
        {
            List<(T Item, TaskCompletionSource Written)> batch;
            lock (_lock)
            {
                if (_pending.Count == 0)
                {
                    _writing = false;
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

            try
            {
                await write([.. batch.Select(b => b.Item)]);
                batch.ForEach(b => b.Written.TrySetResult());
            }
            catch (Exception ex)
            {
                batch.ForEach(b => b.Written.TrySetException(ex));
            }
        }
    }
}
