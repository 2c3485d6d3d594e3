namespace Kudos.Grains.Boards;

/// <summary>What a new board needs. <paramref name="DeliverAt"/> is a UTC instant or null for a draft.</summary>
[GenerateSerializer, Immutable, Alias("kudos.create-board")]
public sealed record CreateBoard(
    string Title,
    string RecipientName,
    string RecipientEmail,
    string OwnerName,
    string OwnerEmail,
    DateTimeOffset? DeliverAt,
    string? TimeZone,
    IReadOnlyList<string>? ContributorEmails = null,
    string? NoteToRecipient = null,
    EmptyBoardPolicy? EmptyBoardPolicy = null);

/// <summary>What happens at the delivery instant when nobody has written a card.</summary>
public enum EmptyBoardPolicy
{
    /// <summary>Nothing is sent: the board stays open for cards and the owner is emailed to choose (the default).</summary>
    HoldAndAsk = 0,

    /// <summary>The recipient gets the board anyway (with the owner's note, if any).</summary>
    DeliverAnyway = 1,
}

/// <summary>A partial update by the owner; null members are left as they are.</summary>
[GenerateSerializer, Immutable, Alias("kudos.update-board")]
public sealed record UpdateBoard(
    string? Title,
    string? RecipientName,
    string? RecipientEmail,
    DateTimeOffset? DeliverAt,
    string? TimeZone,
    string? NoteToRecipient = null,
    EmptyBoardPolicy? EmptyBoardPolicy = null);

/// <summary>
/// The result of creating a board: the only time the owner and contribution keys are seen in clear.
/// <paramref name="OwnerConfirmationRequired"/>: a confirmation link was emailed to the owner, and nothing else is sent
/// for the board until it is used.
/// </summary>
[GenerateSerializer, Immutable, Alias("kudos.board-created")]
public sealed record BoardCreated(Guid Id, string OwnerKey, string ContributeKey, BoardStatus Status, DateTimeOffset? DeliverAt, bool OwnerConfirmationRequired = false);

/// <summary>The owner confirmed their address through a board's link: the owner credential, seen in clear this once.</summary>
[GenerateSerializer, Immutable, Alias("kudos.owner-confirmed")]
public sealed record OwnerConfirmed(Guid BoardId, string OwnerEmail, string OwnerCredential, BoardStatus Status);

/// <summary>One of an owner's boards, as their credential lists it.</summary>
[GenerateSerializer, Immutable, Alias("kudos.owned-board")]
public sealed record OwnedBoard(
    Guid Id,
    string Title,
    string RecipientName,
    BoardStatus Status,
    DateTimeOffset? DeliverAt,
    string TimeZone,
    int CardCount,
    DateTimeOffset CreatedAt,
    bool OwnerConfirmationPending);

/// <summary>The delivery email's state as the owner sees it.</summary>
[GenerateSerializer, Immutable, Alias("kudos.delivery-view")]
public sealed record DeliveryView(
    string DispatchId,
    Email.DispatchStatus Status,
    int Attempts,
    string? LastError,
    string? ServerReply,
    DateTimeOffset? SentAt,
    DateTimeOffset? NextAttemptAt,
    string? RecipientUrl,
    bool RecipientAddressInvalid = false,
    int Opens = 0,
    int Clicks = 0);

/// <summary>A card as the owner sees it while sealed: who and when, never what (for moderation).</summary>
[GenerateSerializer, Immutable, Alias("kudos.card-summary")]
public sealed record CardSummary(Guid Id, string AuthorName, DateTimeOffset CreatedAt);

/// <summary>
/// The owner's view: everything but card text while sealed. <c>OwnerConfirmationPending</c>: the owner's address is not
/// confirmed, so nothing is sent; <c>InvitationsHeld</c>: the reputation guard holds the invitations for an operator;
/// <c>WaitingEmails</c>: invitations and reminders waiting for either.
/// </summary>
[GenerateSerializer, Immutable, Alias("kudos.owner-view")]
public sealed record BoardOwnerView(
    Guid Id,
    string Title,
    string RecipientName,
    string RecipientEmail,
    string OwnerName,
    string OwnerEmail,
    BoardStatus Status,
    DateTimeOffset? DeliverAt,
    string TimeZone,
    int CardCount,
    IReadOnlyList<string> ContributorNames,
    DateTimeOffset CreatedAt,
    DateTimeOffset? DeliveredAt,
    DeliveryView? Delivery,
    IReadOnlyList<CardSummary>? Cards = null,
    IReadOnlyList<InviteeView>? Invitees = null,
    bool OwnerConfirmationPending = false,
    bool InvitationsHeld = false,
    int WaitingEmails = 0,
    string? NoteToRecipient = null,
    EmptyBoardPolicy EmptyBoardPolicy = EmptyBoardPolicy.HoldAndAsk,
    int FewCardsThreshold = 0,
    ThanksView? Thanks = null);

/// <summary>
/// What a contributor's form or the recipient's page needs. After delivery only: the owner's note to the recipient and
/// the recipient's thanks.
/// </summary>
[GenerateSerializer, Immutable, Alias("kudos.board-summary")]
public sealed record BoardSummary(
    Guid Id,
    string Title,
    string RecipientName,
    BoardStatus Status,
    DateTimeOffset? DeliverAt,
    string TimeZone,
    int CardCount,
    string OwnerName = "",
    string? NoteToRecipient = null,
    ThanksView? Thanks = null,
    DateTimeOffset? DeliveredAt = null,
    BoardViewer Viewer = BoardViewer.Contributor);

/// <summary>Whose key opened the board: what the page offers (only the recipient sends thanks; contributors' shared key cannot react).</summary>
public enum BoardViewer
{
    Contributor = 0,
    Owner = 1,
    Recipient = 2,

    /// <summary>A contributor's own key from their "delivered" email.</summary>
    Reader = 3,
}

/// <summary>The recipient's thank-you note, sent once after delivery to the owner and every contributor who left an address.</summary>
[GenerateSerializer, Immutable, Alias("kudos.thanks-view")]
public sealed record ThanksView(string Message, DateTimeOffset SentAt, int Recipients);

/// <summary>A new card from a contributor.</summary>
[GenerateSerializer, Immutable, Alias("kudos.new-card")]
public sealed record NewCard(string AuthorName, string Message, string? InviteToken = null, string? AuthorEmail = null);

/// <summary>An invited contributor as the owner sees it.</summary>
[GenerateSerializer, Immutable, Alias("kudos.invitee-view")]
public sealed record InviteeView(string Email, DateTimeOffset InvitedAt, bool HasPosted, DateTimeOffset? RemindedAt, string InvitationDispatchId);

/// <summary>The result of posting a card: the only time the card key is seen in clear.</summary>
[GenerateSerializer, Immutable, Alias("kudos.card-created")]
public sealed record CardCreated(Guid CardId, string CardKey);

/// <summary>One card as its reader may see it.</summary>
[GenerateSerializer, Immutable, Alias("kudos.card-view")]
public sealed record CardView(
    Guid Id,
    string AuthorName,
    string Message,
    DateTimeOffset CreatedAt,
    DateTimeOffset? EditedAt,
    IReadOnlyList<CardImageView> Images,
    IReadOnlyList<ReactionCount> Reactions);

/// <summary>A picture on a card (re-encoded by the API; the original bytes are never kept).</summary>
[GenerateSerializer, Immutable, Alias("kudos.card-image-view")]
public sealed record CardImageView(Guid Id, string ContentType, int Width, int Height, int Length);

/// <summary>
/// How many readers gave a card one reaction (see <see cref="Reactions"/>); <paramref name="Mine"/>: the reader asking is one.
/// </summary>
[GenerateSerializer, Immutable, Alias("kudos.reaction-count")]
public sealed record ReactionCount(string Reaction, int Count, bool Mine);

/// <summary>A processed picture for a card: what the API's image pipeline made of an upload.</summary>
[GenerateSerializer, Immutable, Alias("kudos.card-image-upload")]
public sealed record CardImageUpload(byte[] Bytes, string ContentType, int Width, int Height);

/// <summary>A picture's bytes for a reader allowed to see it.</summary>
[GenerateSerializer, Immutable, Alias("kudos.card-image-content")]
public sealed record CardImageContent(byte[] Bytes, string ContentType, bool Sealed);
