namespace Kudos.Api.Boards;

/// <summary>Body of <c>POST /api/boards</c>. <c>deliverAt</c> is ISO 8601 with an offset; omit it for a draft.</summary>
public sealed record CreateBoardRequest(
    string? Title,
    string? RecipientName,
    string? RecipientEmail,
    string? OwnerName,
    string? OwnerEmail,
    string? DeliverAt,
    string? TimeZone,
    IReadOnlyList<string>? ContributorEmails = null);

/// <summary>Body of <c>PATCH /api/boards/{id}</c>; absent members are left unchanged.</summary>
public sealed record UpdateBoardRequest(string? Title, string? RecipientName, string? RecipientEmail, string? DeliverAt, string? TimeZone);

/// <summary>Body of <c>POST /api/boards/{id}/cards</c>.</summary>
public sealed record CreateCardRequest(string? AuthorName, string? Message, string? InviteToken = null);

/// <summary>Body of <c>POST /api/boards/{id}/invitations</c>: the contribution key goes into the links (the board keeps only its hash).</summary>
public sealed record InviteRequest(string? ContributeKey, IReadOnlyList<string>? Emails);

/// <summary>Body of <c>PUT /api/boards/{id}/cards/{cardId}</c>.</summary>
public sealed record EditCardRequest(string? Message);
