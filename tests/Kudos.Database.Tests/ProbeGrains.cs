using System.Collections.Concurrent;

namespace Kudos.Database.Tests;

/// <summary>Keeps a value in ADO.NET grain storage; Guid key (the storage row has no key string).</summary>
public interface IGuidStateProbeGrain : IGrainWithGuidKey
{
    Task SetAsync(string value);

    /// <summary>The stored value and the id of the activation that answered.</summary>
    Task<(string? Value, Guid ActivationId)> GetAsync();

    Task DeactivateAsync();
}

/// <summary>The same for a string key (the key lands in GrainIdExtensionString).</summary>
public interface IStringStateProbeGrain : IGrainWithStringKey
{
    Task SetAsync(string value);

    Task<(string? Value, Guid ActivationId)> GetAsync();

    Task DeactivateAsync();
}

/// <summary>Registers a durable reminder and reports its first tick.</summary>
public interface IReminderProbeGrain : IGrainWithGuidKey
{
    Task RegisterAsync(TimeSpan dueTime, TimeSpan period);
}

[GenerateSerializer]
public sealed class ProbeState
{
    [Id(0)]
    public string? Value { get; set; }
}

public sealed class GuidStateProbeGrain(
    [PersistentState("guid-probe", OrleansSilo.StorageName)] IPersistentState<ProbeState> state)
    : Grain, IGuidStateProbeGrain
{
    private readonly Guid _activationId = Guid.NewGuid();

    public Task SetAsync(string value)
    {
        state.State.Value = value;
        return state.WriteStateAsync();
    }

    public Task<(string? Value, Guid ActivationId)> GetAsync() => Task.FromResult((state.State.Value, _activationId));

    public Task DeactivateAsync()
    {
        DeactivateOnIdle();
        return Task.CompletedTask;
    }
}

public sealed class StringStateProbeGrain(
    [PersistentState("string-probe", OrleansSilo.StorageName)] IPersistentState<ProbeState> state)
    : Grain, IStringStateProbeGrain
{
    private readonly Guid _activationId = Guid.NewGuid();

    public Task SetAsync(string value)
    {
        state.State.Value = value;
        return state.WriteStateAsync();
    }

    public Task<(string? Value, Guid ActivationId)> GetAsync() => Task.FromResult((state.State.Value, _activationId));

    public Task DeactivateAsync()
    {
        DeactivateOnIdle();
        return Task.CompletedTask;
    }
}

public sealed class ReminderProbeGrain : Grain, IReminderProbeGrain, IRemindable
{
    public const string ReminderName = "probe";

    /// <summary>Signalled with the tick's status once the grain has ticked and unregistered its reminder.</summary>
    public static ConcurrentDictionary<Guid, TaskCompletionSource<TickStatus>> Ticks { get; } = new();

    public Task RegisterAsync(TimeSpan dueTime, TimeSpan period) => this.RegisterOrUpdateReminder(ReminderName, dueTime, period);

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (await this.GetReminder(reminderName) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }

        if (Ticks.TryGetValue(this.GetPrimaryKey(), out var tick))
        {
            tick.TrySetResult(status);
        }
    }
}
