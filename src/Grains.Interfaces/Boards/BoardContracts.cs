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
    IReadOnlyList<string>? ContributorEmails = null);

/// <summary>A partial update by the owner; null members are left as they are.</summary>
[GenerateSerializer, Immutable, Alias("kudos.update-board")]
public sealed record UpdateBoard(
    string? Title,
    string? RecipientName,
    string? RecipientEmail,
    DateTimeOffset? DeliverAt,
    string? TimeZone);

/// <summary>The result of creating a board: the only time the owner and contribution keys are seen in clear.</summary>
[GenerateSerializer, Immutable, Alias("kudos.board-created")]
public sealed record BoardCreated(Guid Id, string OwnerKey, string ContributeKey, BoardStatus Status, DateTimeOffset? DeliverAt);

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

/// <summary>The owner's view: everything but card text while sealed.</summary>
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
    IReadOnlyList<InviteeView>? Invitees = null);

/// <summary>What a contributor's form needs.</summary>
[GenerateSerializer, Immutable, Alias("kudos.board-summary")]
public sealed record BoardSummary(
    Guid Id,
    string Title,
    string RecipientName,
    BoardStatus Status,
    DateTimeOffset? DeliverAt,
    string TimeZone,
    int CardCount);

/// <summary>A new card from a contributor.</summary>
[GenerateSerializer, Immutable, Alias("kudos.new-card")]
public sealed record NewCard(string AuthorName, string Message, string? InviteToken = null);

/// <summary>An invited contributor as the owner sees it.</summary>
[GenerateSerializer, Immutable, Alias("kudos.invitee-view")]
public sealed record InviteeView(string Email, DateTimeOffset InvitedAt, bool HasPosted, DateTimeOffset? RemindedAt, string InvitationDispatchId);

/// <summary>The result of posting a card: the only time the card key is seen in clear.</summary>
[GenerateSerializer, Immutable, Alias("kudos.card-created")]
public sealed record CardCreated(Guid CardId, string CardKey);

/// <summary>One card as its reader may see it.</summary>
[GenerateSerializer, Immutable, Alias("kudos.card-view")]
public sealed record CardView(Guid Id, string AuthorName, string Message, DateTimeOffset CreatedAt, DateTimeOffset? EditedAt);
