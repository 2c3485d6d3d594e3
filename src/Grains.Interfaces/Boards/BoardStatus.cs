namespace Kudos.Grains.Boards;

/// <summary>The lifecycle of a board: Draft → Scheduled → Delivered, or Cancelled; Scheduled → AwaitingOwnerConfirmation → Delivered when the owner confirms late; Scheduled → HeldEmpty when nobody wrote.</summary>
public enum BoardStatus
{
    /// <summary>Not created yet (no such board).</summary>
    None = 0,

    /// <summary>Created without a delivery instant.</summary>
    Draft = 1,

    /// <summary>Sealed, with a reminder set to the delivery instant.</summary>
    Scheduled = 2,

    /// <summary>Unlocked: every card is readable and the delivery email was handed to dispatch.</summary>
    Delivered = 3,

    /// <summary>Cancelled by the owner: never delivered.</summary>
    Cancelled = 4,

    /// <summary>
    /// The delivery instant passed before the owner confirmed their address: still sealed, posting closed, nothing sent;
    /// delivered as soon as the owner confirms.
    /// </summary>
    AwaitingOwnerConfirmation = 5,

    /// <summary>
    /// The delivery instant came with no cards and the owner chose to be asked (<see cref="EmptyBoardPolicy.HoldAndAsk"/>):
    /// nothing was sent, posting stays open, and the owner was emailed. A new instant schedules it again; "deliver now"
    /// (confirmed) sends it.
    /// </summary>
    HeldEmpty = 6,
}
