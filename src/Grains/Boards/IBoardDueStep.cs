namespace Kudos.Grains.Boards;

/// <summary>
/// The board's due step as a call to itself: the board waits for the silo's <see cref="Scheduling.DueWorkGate"/> in an
/// interleaved timer (answering calls meanwhile) and then runs the step as a turn of its own. Only the board calls it.
/// </summary>
public interface IBoardDueStep : IGrainWithGuidKey
{
    /// <summary>Delivers if due, hands off what waits in the outbox, and backstops the delivery's outcome.</summary>
    Task RunDueStepAsync();
}
