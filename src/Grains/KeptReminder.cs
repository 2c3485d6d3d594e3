namespace Kudos.Grains;

/// <summary>
/// One of a grain's reminders, with the handle this activation last saw kept, so that checking or removing it does not
/// read the reminder table again. A failed step resets the activation (<see cref="GrainRecovery"/>), which drops the
/// kept handle with it.
/// </summary>
internal sealed class KeptReminder(Grain grain, string name)
{
    private IGrainReminder? _handle;
    private bool _known;

    public string Name => name;

    /// <summary>The reminder, or null when none is registered (read from the table once per activation).</summary>
    public async Task<IGrainReminder?> GetAsync()
    {
        if (!_known)
        {
            _handle = await grain.GetReminder(name);
            _known = true;
        }

        return _handle;
    }

    /// <summary>Registers (or moves) the reminder; <paramref name="dueTime"/> is relative and fixed when the call arrives.</summary>
    public async Task RegisterAsync(TimeSpan dueTime, TimeSpan period)
    {
        _handle = await grain.RegisterOrUpdateReminder(name, dueTime, period);
        _known = true;
    }

    /// <summary>Removes the reminder if there is one.</summary>
    public async Task RemoveAsync()
    {
        if (await GetAsync() is { } handle)
        {
            await grain.UnregisterReminder(handle);
        }

        _handle = null;
        _known = true;
    }

    /// <summary>Tells the activation there is none (a grain that has just been created).</summary>
    public void KnownAbsent()
    {
        _handle = null;
        _known = true;
    }
}
