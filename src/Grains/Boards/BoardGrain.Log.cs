using Kudos.Grains.Email;
using Microsoft.Extensions.Logging;

namespace Kudos.Grains.Boards;

public sealed partial class BoardGrain
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Board {BoardId} created as {Status}, delivery at {DeliverAt}")]
    private partial void LogCreated(Guid boardId, BoardStatus status, DateTimeOffset? deliverAt);

    [LoggerMessage(Level = LogLevel.Information, Message = "Board {BoardId} rescheduled to {DeliverAt}")]
    private partial void LogRescheduled(Guid boardId, DateTimeOffset? deliverAt);

    [LoggerMessage(Level = LogLevel.Information, Message = "Board {BoardId}: an invitee unsubscribed from invitations and reminders")]
    private partial void LogUnsubscribed(Guid boardId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Board {BoardId} cancelled")]
    private partial void LogCancelled(Guid boardId);

    // An unlock on time is routine: the delivery email's "sent" line (correlation = board id) is the operator's record,
    // and each Information line costs the console logger a thread wake (~0.1 ms of CPU at a few hundred lines a second).
    // An unlock later than one reminder period after the instant is worth seeing (a burst queued the board behind
    // others, or a silo was down when it fell due): that one is Information, with how late it was.
    [LoggerMessage(Level = LogLevel.Debug, Message = "Board {BoardId} unlocked at {UnlockedAt} (due {DeliverAt})")]
    private partial void LogUnlocked(Guid boardId, DateTimeOffset? deliverAt, DateTimeOffset unlockedAt);

    [LoggerMessage(Level = LogLevel.Information, Message = "Board {BoardId} unlocked at {UnlockedAt}, {Lateness} after its instant {DeliverAt}")]
    private partial void LogUnlockedLate(Guid boardId, DateTimeOffset? deliverAt, DateTimeOffset unlockedAt, TimeSpan lateness);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Board {BoardId} delivery ended {Outcome}: owner notice {DispatchId} recorded")]
    private partial void LogOwnerNotified(Guid boardId, DispatchStatus outcome, string dispatchId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Board {BoardId} handed an email to {DispatchId} ({DispatchStatus})")]
    private partial void LogHandedOff(Guid boardId, string dispatchId, DispatchStatus dispatchStatus);

    [LoggerMessage(Level = LogLevel.Information, Message = "Board {BoardId}: the owner confirmed their address; the board is {Status}")]
    private partial void LogOwnerConfirmed(Guid boardId, BoardStatus status);

    [LoggerMessage(Level = LogLevel.Information, Message = "Board {BoardId} due at {DeliverAt} waits for its owner to confirm their address")]
    private partial void LogAwaitingOwner(Guid boardId, DateTimeOffset? deliverAt);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Board {BoardId}: no outcome yet from {DispatchId} ({Status}); woke it")]
    private partial void LogOutcomeAwaited(Guid boardId, string dispatchId, DispatchStatus status);

    [LoggerMessage(Level = LogLevel.Information, Message = "Board {BoardId} due at {DeliverAt} has no cards: held, and its owner asked")]
    private partial void LogHeldEmpty(Guid boardId, DateTimeOffset? deliverAt);

    [LoggerMessage(Level = LogLevel.Information, Message = "Board {BoardId} has {CardCount} cards before its instant {DeliverAt}: its owner was warned")]
    private partial void LogFewCardsWarned(Guid boardId, int cardCount, DateTimeOffset deliverAt);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Board {BoardId} card {CardId}: picture {ImageId} stored ({Length} bytes)")]
    private partial void LogImageAdded(Guid boardId, Guid cardId, Guid imageId, int length);

    [LoggerMessage(Level = LogLevel.Information, Message = "Board {BoardId}: the recipient's thanks recorded for {Recipients} people")]
    private partial void LogThanked(Guid boardId, int recipients);
}
