using System.Collections.Concurrent;
using Kudos.Grains.Scheduling;

namespace Kudos.GrainTests;

/// <summary>A grain that waits for one instant with a <see cref="DueTimer"/> and reports when its step ran.</summary>
public interface IWaitProbeGrain : IGrainWithGuidKey
{
    /// <summary>Waits until <paramref name="at"/>.</summary>
    Task WaitUntilAsync(DateTimeOffset at);

    /// <summary>Stops waiting.</summary>
    Task CancelAsync();

    /// <summary>Whether the durable reminder is registered.</summary>
    Task<bool> HasReminderAsync();
}

public sealed class WaitProbeGrain(TimeProvider time) : Grain, IWaitProbeGrain, IRemindable
{
    private DateTimeOffset? _at;
    private DueTimer? _wait;

    /// <summary>When each probe's step ran, by grain id (the test and the silo share this process).</summary>
    public static ConcurrentDictionary<Guid, TaskCompletionSource<DateTimeOffset>> Fired { get; } = new();

    private DueTimer Wait => _wait ??= new DueTimer(this, "probe", TimeSpan.FromSeconds(2), time, () => _at, OnDueAsync);

    public Task WaitUntilAsync(DateTimeOffset at)
    {
        _at = at;
        return Wait.ScheduleAsync();
    }

    public Task CancelAsync()
    {
        _at = null;
        return Wait.CancelAsync();
    }

    public async Task<bool> HasReminderAsync() => await this.GetReminder("probe") is not null;

    public Task ReceiveReminder(string reminderName, TickStatus status) => Wait.OnReminderAsync();

    private async Task OnDueAsync(CancellationToken cancellationToken)
    {
        if (_at is not null)
        {
            Fired.GetOrAdd(this.GetPrimaryKey(), _ => new(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult(time.GetUtcNow());
        }

        _at = null;
        await Wait.CancelAsync();
    }
}
