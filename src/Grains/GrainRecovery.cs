namespace Kudos.Grains;

/// <summary>
/// Recovery after a step of a grain failed part-way (a state write timed out, a grain it called was unreachable): its
/// memory may be ahead of storage, and a decision taken on that memory ("already sending, nothing to do") could drop the
/// work for good. The stored state is reloaded and the activation ends, so the next call, timer or reminder tick starts
/// from what was actually stored.
/// </summary>
internal static class GrainRecovery
{
    /// <summary>Runs <paramref name="step"/>; if it fails, resets the grain (see <see cref="ResetAsync"/>) and rethrows.</summary>
    public static async Task ResetOnFailureAsync<TState>(this Grain grain, IPersistentState<TState> state, Func<Task> step)
    {
        try
        {
            await step();
        }
        catch
        {
            await grain.ResetAsync(state);
            throw;
        }
    }

    public static async Task ResetAsync<TState>(this Grain grain, IPersistentState<TState> state)
    {
        try
        {
            await state.ReadStateAsync();
        }
        catch (Exception)
        {
            // Storage unreachable too: the next activation reads it.
        }

        grain.GrainContext.Deactivate(
            new DeactivationReason(DeactivationReasonCode.ApplicationError, "A step failed part-way; the next activation starts from the stored state."),
            CancellationToken.None);
    }
}
