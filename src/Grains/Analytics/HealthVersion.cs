using Kudos.Grains.Email;

namespace Kudos.Grains.Analytics;

/// <summary>
/// The order of a dispatch's health signals, read from its stored state (so it needs no counter of its own): every
/// transition that publishes health gives a larger number than the one before. Attempts order most of them (an attempt
/// starts Sending, its end moves on); among the statuses reachable without a new attempt, a Pending not yet released comes
/// before Held, Held before the Pending an operator's release makes, and those before a final status.
/// </summary>
public static class HealthVersion
{
    public static int Of(DispatchState state)
    {
        // Starts and ends of attempts so far: Sending is inside attempt n (2n − 1), anything else after it (2n).
        var steps = (2 * state.Attempts) - (state.Status == DispatchStatus.Sending ? 1 : 0);
        var rank = state.Status switch
        {
            DispatchStatus.Sending => 0,
            DispatchStatus.Pending => state.Released ? 2 : 0,
            DispatchStatus.Held => 1,
            _ => 3,
        };
        return (steps * 4) + rank;
    }
}
