namespace Kudos.Grains.Scheduling;

/// <summary>
/// A grain's wait for an instant it keeps in its own state: a durable reminder is the backstop (it survives the
/// activation and the silo) and a one-shot grain timer makes it punctual. When either fires early the timer is re-armed
/// for the rest; when the instant has come the grain's step runs. A reminder tick only arms the timer and returns, so
/// the step never runs inside the reminder's turn (ticks return promptly) and, with <c>interleave</c>, not inside any
/// turn at all. The reminder handle from the registration is kept, so cancelling does not read the reminder table first.
/// </summary>
/// <remarks>
/// Orleans has no one-shot reminder and a reminder due in about zero fires only at the next period boundary, so the
/// reminder is registered no earlier than one period ahead; the timer covers the instants closer than that. Every step
/// must be idempotent: duplicate ticks happen during failover.
/// </remarks>
/// <param name="grain">The grain that waits.</param>
/// <param name="name">The reminder's name, unique within the grain.</param>
/// <param name="period">The reminder period (how late a wait ends after a crash or an outage, at most).</param>
/// <param name="time">The clock.</param>
/// <param name="dueAt">Reads the instant waited for from the grain's state; null when there is none (the step still runs once, to clean up).</param>
/// <param name="onDue">The grain's step, run when the instant has come (or on a tick with nothing due); it schedules again or cancels.</param>
/// <param name="interleave">Run the step interleaved with the grain's calls (the grain then guards its own state).</param>
public sealed class DueTimer(
    Grain grain,
    string name,
    TimeSpan period,
    TimeProvider time,
    Func<DateTimeOffset?> dueAt,
    Func<CancellationToken, Task> onDue,
    bool interleave = false)
{
    /// <summary>Beyond this the timer is not armed: the reminder alone fires on time for far instants.</summary>
    public static readonly TimeSpan TimerHorizon = TimeSpan.FromMinutes(10);

    private IGrainReminder? _reminder;
    private bool _reminderKnown;
    private IGrainTimer? _timer;

    /// <summary>
    /// Registers (or moves) the reminder to the instant <c>dueAt</c> now gives and arms the timer; call it after the
    /// state that names the instant was written. With no instant it cancels.
    /// </summary>
    public async Task ScheduleAsync()
    {
        if (dueAt() is not { } at)
        {
            await CancelAsync();
            return;
        }

        // dueTime is relative and fixed when the call arrives: computed immediately before registering.
        var dueTime = at - time.GetUtcNow();
        _reminder = await grain.RegisterOrUpdateReminder(name, dueTime > period ? dueTime : period, period);
        _reminderKnown = true;
        Arm(at);
    }

    /// <summary>
    /// For activation and repeated hand-offs: registers the reminder if it is missing (one read of the reminder table per
    /// activation), otherwise only arms the timer. Nothing when no instant is waited for.
    /// </summary>
    /// <param name="arm">Also arm the timer when the reminder exists (false: the caller is about to do the step itself).</param>
    public async Task EnsureAsync(bool arm = true)
    {
        if (dueAt() is not { } at)
        {
            return;
        }

        if (!_reminderKnown)
        {
            _reminder = await grain.GetReminder(name);
            _reminderKnown = true;
        }

        if (_reminder is null)
        {
            await ScheduleAsync();
        }
        else if (arm)
        {
            Arm(at);
        }
    }

    /// <summary>
    /// For the first instant of a wait that has no reminder (a new grain's) and needs none while this activation lives,
    /// because another grain's reminder backstops it (that grain wakes this one after a crash, and activation calls
    /// <see cref="EnsureAsync"/>): arms the timer only. If the step completes, the reminder table is never touched; if it
    /// must wait longer (a retry), the step calls <see cref="ScheduleAsync"/>.
    /// </summary>
    public void ArmBackstopped()
    {
        if (dueAt() is not { } at)
        {
            return;
        }

        if (_reminder is null)
        {
            _reminderKnown = true;
        }

        Arm(at);
    }

    /// <summary>Drops the timer and the reminder (with the kept handle; the table is read only if this activation has none).</summary>
    public async Task CancelAsync()
    {
        _timer?.Dispose();
        _timer = null;
        var reminder = _reminderKnown ? _reminder : await grain.GetReminder(name);
        if (reminder is not null)
        {
            await grain.UnregisterReminder(reminder);
        }

        _reminder = null;
        _reminderKnown = true;
    }

    /// <summary>Call from <see cref="IRemindable.ReceiveReminder(string, TickStatus)"/> for this reminder's name: arms the timer and returns.</summary>
    public Task OnReminderAsync()
    {
        Arm(dueAt() ?? time.GetUtcNow());
        return Task.CompletedTask;
    }

    private void Arm(DateTimeOffset at)
    {
        var dueTime = at - time.GetUtcNow();
        if (dueTime > TimerHorizon)
        {
            return;
        }

        _timer?.Dispose();
        _timer = grain.RegisterGrainTimer(
            FireAsync,
            new GrainTimerCreationOptions(dueTime > TimeSpan.Zero ? dueTime : TimeSpan.Zero, Timeout.InfiniteTimeSpan)
            {
                Interleave = interleave,
                // An armed timer (at most TimerHorizon ahead) keeps the grain activated past its idle collection age, so
                // the instant is kept by the timer, not by the next reminder tick after a reactivation.
                KeepAlive = true,
            });
    }

    private async Task FireAsync(CancellationToken cancellationToken)
    {
        // The firing timer is set aside: re-arming from here on (a reminder tick, a new schedule) must not dispose it and
        // so cancel the step it is running.
        var firing = _timer;
        _timer = null;
        try
        {
            if (dueAt() is { } at && at > time.GetUtcNow())
            {
                // Woken early (timers may fire a few milliseconds before their due time, reminder ticks come every
                // period): wait for the rest rather than for the next reminder period.
                Arm(at);
                return;
            }

            await onDue(cancellationToken);
        }
        finally
        {
            firing?.Dispose();
        }
    }
}
