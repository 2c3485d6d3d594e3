namespace Kudos.Grains.Boards;

/// <summary>The lifecycle of a board: Draft → Scheduled → Delivered, or Cancelled; Scheduled → AwaitingOwnerConfirmation → Delivered when the owner confirms late.</summary>
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
}
