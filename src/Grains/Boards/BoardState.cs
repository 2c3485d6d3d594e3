using System.Text.Json.Serialization;
using Kudos.Grains.Email;

namespace Kudos.Grains.Boards;

/// <summary>The persisted state of a board (storage state name <c>board</c>). Property names are the stored JSON: keep them.</summary>
public sealed class BoardState
{
    public BoardStatus Status { get; set; }

    public string Title { get; set; } = "";

    public string RecipientName { get; set; } = "";

    public string RecipientEmail { get; set; } = "";

    public string OwnerName { get; set; } = "";

    public string OwnerEmail { get; set; } = "";

    /// <summary>The delivery instant in UTC, or null for a draft.</summary>
    public DateTimeOffset? DeliverAt { get; set; }

    /// <summary>The IANA zone in which emails show times.</summary>
    public string TimeZone { get; set; } = "UTC";

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? DeliveredAt { get; set; }

    public DateTimeOffset? CancelledAt { get; set; }

    public string OwnerKeyHash { get; set; } = "";

    public string ContributeKeyHash { get; set; } = "";

    public string? RecipientKeyHash { get; set; }

    /// <summary>
    /// Only in rows written before cards were stored one per row (<see cref="ICardStore"/>): the board moves them there when
    /// it activates, and its later writes leave this out.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public List<CardState>? Cards { get; set; }

    public List<InviteeState> Invitees { get; set; } = [];

    public DeliveryState? Delivery { get; set; }

    /// <summary>
    /// Emails this board caused that their dispatch grains have not accepted yet. Each is recorded in the same state write
    /// as the change that causes it and removed once handed off (see <see cref="BoardGrain"/>'s outbox).
    /// </summary>
    public List<OutboxEntry> Outbox { get; set; } = [];

    /// <summary>
    /// Emails that wait for the owner: invitations and reminders while the owner's address is unconfirmed
    /// (<see cref="OwnerConfirmation"/>) or their invitations are held by the reputation guard (<see cref="InvitationsHeld"/>).
    /// They move to the <see cref="Outbox"/> when both are lifted.
    /// </summary>
    public List<OutboxEntry> Waiting { get; set; } = [];

    /// <summary>The owner's address is not confirmed yet; null once confirmed, or when confirmation was not required.</summary>
    public OwnerConfirmationState? OwnerConfirmation { get; set; }

    /// <summary>The hash of the token that confirmed the owner (a second use is told apart from a wrong link).</summary>
    public string? ConfirmedTokenHash { get; set; }

    public DateTimeOffset? OwnerConfirmedAt { get; set; }

    /// <summary>The sender-reputation guard holds the owner's invitations; set when an invitation was asked for during a hold.</summary>
    public bool InvitationsHeld { get; set; }

    /// <summary>The content fingerprint of the <c>Idempotency-Key</c> request that created the board, if one did.</summary>
    public string? CreationFingerprint { get; set; }

    /// <summary>Requests to this board that carried an <c>Idempotency-Key</c>, kept for <see cref="RequestLog.Retention"/>.</summary>
    public List<RequestRecord> Requests { get; set; } = [];

    /// <summary>The provider reported a hard bounce for the recipient's address: it needs correcting.</summary>
    public bool RecipientAddressInvalid { get; set; }

    /// <summary>The owner's note to the recipient, shown first on the delivered board; sealed like the cards.</summary>
    public string? NoteToRecipient { get; set; }

    /// <summary>What happens at the instant when the board has no cards.</summary>
    public EmptyBoardPolicy EmptyBoardPolicy { get; set; }

    /// <summary>The delivery instant the owner was last warned about (few cards), so a moved instant warns again.</summary>
    public DateTimeOffset? FewCardsWarnedFor { get; set; }

    /// <summary>
    /// Hashes of the keys minted at delivery for the contributors who left an address (in their "delivered" email): each
    /// opens the board like the recipient's and reacts as its own reader.
    /// </summary>
    public List<string> ReaderKeyHashes { get; set; } = [];

    /// <summary>The recipient's thank-you note, once sent.</summary>
    public ThanksState? Thanks { get; set; }
}

/// <summary>The recipient's thank-you note and how many people it went to.</summary>
public sealed class ThanksState
{
    public string Message { get; set; } = "";

    public DateTimeOffset SentAt { get; set; }

    public int Recipients { get; set; }
}

/// <summary>One card (a row of <see cref="ICardStore"/>); readable by its author (through its key) until delivery.</summary>
public sealed class CardState
{
    public Guid Id { get; set; }

    public string AuthorName { get; set; } = "";

    public string Message { get; set; } = "";

    public string KeyHash { get; set; } = "";

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? EditedAt { get; set; }

    /// <summary>The <c>Idempotency-Key</c> request that posted the card (its id is derived from it), if one did.</summary>
    public string? RequestId { get; set; }

    /// <summary>The content fingerprint of that request.</summary>
    public string? RequestFingerprint { get; set; }

    /// <summary>The address the author left (optional): their receipt, the "delivered" email and the thanks go there. Never shown.</summary>
    public string? AuthorEmail { get; set; }

    /// <summary>The card's pictures (their bytes are rows of their own), in the order added.</summary>
    public List<CardImageState> Images { get; set; } = [];

    /// <summary>The reactions readers gave the card after delivery.</summary>
    public List<ReactionState> Reactions { get; set; } = [];
}

/// <summary>A picture on a card: its id, type and size (the bytes are in the card store's image rows).</summary>
public sealed class CardImageState
{
    public Guid Id { get; set; }

    public string ContentType { get; set; } = "";

    public int Width { get; set; }

    public int Height { get; set; }

    public int Length { get; set; }
}

/// <summary>One reader's reaction: a name from <see cref="Boards.Reactions"/> and who gave it ("recipient", "owner", "reader:{n}").</summary>
public sealed class ReactionState
{
    public string Reaction { get; set; } = "";

    public string By { get; set; } = "";
}

/// <summary>
/// The delivery record, written in the same state write that unlocks the board; its email waits in the board's
/// <see cref="BoardState.Outbox"/> until the dispatch grain has accepted it (<see cref="HandedOff"/>).
/// </summary>
public sealed class DeliveryState
{
    public string DispatchId { get; set; } = "";

    public string RecipientUrl { get; set; } = "";

    /// <summary>Where rows written before the outbox kept a delivery email not yet handed off; moved to the outbox on load.</summary>
    public EmailMessage? Email { get; set; }

    public bool HandedOff { get; set; }

    public DateTimeOffset? HandedOffAt { get; set; }

    /// <summary>When the dispatch first reported an outcome (sent, failed, …); until then the board's reminder stays as its backstop.</summary>
    public DateTimeOffset? OutcomeAt { get; set; }

    /// <summary>The last status the dispatch reported and the board took (with its owner's notice); a repeated report of it changes nothing.</summary>
    public DispatchStatus ReportedStatus { get; set; }

    /// <summary>
    /// The owner's last notice, handed off with the outcome's write. Its first attempt has no reminder of its own: the
    /// deliver reminder stays until the board has seen the notice's dispatch finish (see BoardGrain.CheckNoticeAsync).
    /// </summary>
    public string? NoticeDispatchId { get; set; }
}

/// <summary>An email recorded by the board and not yet accepted by its dispatch grain (which deduplicates by <see cref="DispatchId"/>).</summary>
public sealed class OutboxEntry
{
    public string DispatchId { get; set; } = "";

    public EmailMessage Email { get; set; } = null!;

    public DateTimeOffset RecordedAt { get; set; }
}

/// <summary>An <c>Idempotency-Key</c> request this board has applied: its derived id and its content fingerprint.</summary>
public sealed class RequestRecord
{
    public string Id { get; set; } = "";

    public string Fingerprint { get; set; } = "";

    public DateTimeOffset At { get; set; }
}

/// <summary>A pending owner confirmation: the newest link's token hash (earlier links stop working), its expiry, emails sent.</summary>
public sealed class OwnerConfirmationState
{
    public string TokenHash { get; set; } = "";

    public DateTimeOffset ExpiresAt { get; set; }

    public int EmailsSent { get; set; }
}
