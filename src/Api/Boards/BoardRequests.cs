using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using Kudos.Api.Http;
using Kudos.Api.OpenApi;
using Kudos.Grains.Boards;

namespace Kudos.Api.Boards;

// The attributes describe the contract in the OpenAPI document, from the same constants the domain rules enforce; they are
// not validated at binding (the grains' rules answer with a 400 naming the field, e.g. for a missing or null member).

/// <summary>Body of <c>POST /api/boards</c>. <c>deliverAt</c> is ISO 8601 with an offset; omit it for a draft.</summary>
public sealed record CreateBoardRequest(
    [property: Required, MinLength(1), MaxLength(BoardLimits.MaxTitleLength)] string Title,
    [property: Required, MinLength(1), MaxLength(BoardLimits.MaxNameLength)] string RecipientName,
    [property: Required, EmailAddress, MaxLength(BoardLimits.MaxEmailLength)] string RecipientEmail,
    [property: Required, MinLength(1), MaxLength(BoardLimits.MaxNameLength)] string OwnerName,
    [property: Required, EmailAddress, MaxLength(BoardLimits.MaxEmailLength)] string OwnerEmail,
    [property: RegularExpression(Instants.Pattern), Description(Instants.Description)] string? DeliverAt,
    [property: MaxLength(BoardLimits.MaxTimeZoneLength), Description("An IANA time-zone id, e.g. Europe/Paris; emails show the delivery time in it. Default UTC.")] string? TimeZone,
    [property: MaxLength(BoardLimits.MaxInvitees), Description("Addresses to invite as contributors (each gets a personal link once the owner is allowed to send).")] IReadOnlyList<string>? ContributorEmails = null,
    [property: MaxLength(BoardLimits.MaxNoteLength), Description(BoardRequestText.Note)] string? NoteToRecipient = null,
    [property: Description(BoardRequestText.Policy)] EmptyBoardPolicy? EmptyBoardPolicy = null) : IRequestBody;

/// <summary>Descriptions shared by the create and update bodies.</summary>
internal static class BoardRequestText
{
    public const string Note = "The owner's note to the recipient, shown first when they open the board; sealed like the cards. Empty removes it (on update).";

    public const string Policy = "What happens at the delivery time if nobody has written a card: HoldAndAsk (nothing is sent, the owner is emailed; the default) or DeliverAnyway.";
}

/// <summary>Body of <c>PATCH /api/boards/{id}</c>; absent or null members are left unchanged.</summary>
public sealed record UpdateBoardRequest(
    [property: MinLength(1), MaxLength(BoardLimits.MaxTitleLength)] string? Title,
    [property: MinLength(1), MaxLength(BoardLimits.MaxNameLength)] string? RecipientName,
    [property: EmailAddress, MaxLength(BoardLimits.MaxEmailLength)] string? RecipientEmail,
    [property: RegularExpression(Instants.Pattern), Description(Instants.Description)] string? DeliverAt,
    [property: MaxLength(BoardLimits.MaxTimeZoneLength), Description("An IANA time-zone id, e.g. Europe/Paris.")] string? TimeZone,
    [property: MaxLength(BoardLimits.MaxNoteLength), Description(BoardRequestText.Note)] string? NoteToRecipient = null,
    [property: Description(BoardRequestText.Policy)] EmptyBoardPolicy? EmptyBoardPolicy = null) : IRequestBody;

/// <summary>Body of <c>POST /api/boards/{id}/cards</c>.</summary>
public sealed record CreateCardRequest(
    [property: Required, MinLength(1), MaxLength(BoardLimits.MaxNameLength)] string AuthorName,
    [property: Required, MinLength(1), MaxLength(BoardLimits.MaxMessageLength)] string Message,
    [property: Description("The token from an invitation link (its fragment's i=), marking that invitee as having posted.")] string? InviteToken = null,
    [property: EmailAddress, MaxLength(BoardLimits.MaxEmailLength), Description("Optional: the author's address, for a receipt with the card's private link, the \"delivered\" email and the recipient's thanks. Never shown to other readers.")] string? AuthorEmail = null) : IRequestBody;

/// <summary>Body of <c>POST /api/boards/{id}/thanks</c>: the recipient's thank-you note.</summary>
public sealed record ThanksRequest(
    [property: Required, MinLength(1), MaxLength(BoardLimits.MaxThanksLength)] string Message) : IRequestBody;

/// <summary>Body of <c>POST /api/boards/{id}/invitations</c>: the contribution key goes into the links (the board keeps only its hash).</summary>
public sealed record InviteRequest(
    [property: Required, Description("The board's contribution key, as returned when the board was created.")] string ContributeKey,
    [property: Required, MinLength(1), MaxLength(BoardLimits.MaxInvitees)] IReadOnlyList<string> Emails) : IRequestBody;

/// <summary>Body of <c>PUT /api/boards/{id}/cards/{cardId}</c>.</summary>
public sealed record EditCardRequest(
    [property: Required, MinLength(1), MaxLength(BoardLimits.MaxMessageLength)] string Message) : IRequestBody;

/// <summary>Body of <c>POST /api/boards/{id}/owner-confirmation</c>: the token from the confirmation link (its fragment's t=).</summary>
public sealed record ConfirmOwnerRequest(
    [property: Required, MinLength(1), MaxLength(64), Description("The token from the confirmation link's fragment (t=).")] string Token) : IRequestBody;
