using System.Collections.Concurrent;
using Orleans.Timers;

namespace Kudos.SiloTests;

/// <summary>
/// Registers a reminder for a chosen grain as a crash would have left it: a reminder is registered from its grain's
/// context, so this happens in the grain's next incoming call, before the call runs (the grain's code is not involved).
/// </summary>
public sealed class ReminderArrangement(IReminderRegistry reminders) : IIncomingGrainCallFilter
{
    private readonly ConcurrentDictionary<GrainId, string> _pending = new();

    /// <summary>Registers reminder <paramref name="name"/> (period <see cref="InProcessSilo.ReminderPeriod"/>) when <paramref name="grain"/> is next called.</summary>
    public void OnNextCall(GrainId grain, string name) => _pending[grain] = name;

    public async Task Invoke(IIncomingGrainCallContext context)
    {
        if (_pending.TryRemove(context.TargetId, out var name))
        {
            await reminders.RegisterOrUpdateReminder(context.TargetId, name, InProcessSilo.ReminderPeriod, InProcessSilo.ReminderPeriod);
        }

        await context.Invoke();
    }
}
