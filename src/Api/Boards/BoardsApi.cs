using Kudos.Api.Hosting;
using Kudos.Api.Http;
using Kudos.Api.OpenApi;
using Kudos.Grains.Boards;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Kudos.Api.Boards;

/// <summary>
/// <c>/api/boards</c>: boards and their cards. Keys travel as <c>Authorization: Bearer</c>; a wrong or missing key answers
/// 404 exactly like an unknown board, so ids cannot be probed.
/// </summary>
public static class BoardsApi
{
    public static IEndpointRouteBuilder MapBoardsApi(this IEndpointRouteBuilder app)
    {
        var boards = app.MapGroup("/api/boards").WithTags("Boards");

        boards.MapPost("/", CreateBoardAsync).WithName("CreateBoard").RequireRateLimiting(RateLimits.CreateBoard)
            .WithSummary("Create a board (a draft without deliverAt); returns the owner and contribution keys once.")
            .WithDescription(
                "Without the owner's credential (Authorization: Bearer oc_…) for ownerEmail, the owner is emailed a confirmation link and nothing "
                + "else is sent for the board (no invitation, no delivery) until it is used; ownerConfirmationRequired says so. "
                + "Owner quotas per UTC day answer 429 with Retry-After.")
            .AcceptsOptionalKey(ApiKey.OwnerCredential).WithBodyProblems(StatusCodes.Status401Unauthorized).Idempotent();
        boards.MapPost("/{id:guid}/owner-confirmation", ConfirmOwnerAsync).WithName("ConfirmOwner").RequireRateLimiting(RateLimits.OwnerConfirmation)
            .WithSummary("Confirm the owner's address with the token from the emailed link; returns the owner credential once.")
            .WithDescription("Single use; the link expires (Owners:ConfirmationLifetime). What waited (invitations, a delivery whose instant passed) is sent.")
            .WithBodyProblems(StatusCodes.Status404NotFound, StatusCodes.Status409Conflict);
        boards.MapPost("/{id:guid}/owner-confirmation/resend", ResendOwnerConfirmationAsync).WithName("ResendOwnerConfirmation")
            .RequireRateLimiting(RateLimits.OwnerConfirmation)
            .WithSummary("Owner: email a new confirmation link (earlier links stop working).")
            .AcceptsKeys(ApiKey.Owner, ApiKey.OwnerCredential).WithProblems(StatusCodes.Status404NotFound, StatusCodes.Status409Conflict);
        boards.MapGet("/{id:guid}", GetBoardAsync).WithName("GetBoard")
            .WithSummary("Owner: status, schedule, contributor names and card count, delivery state; no card text while sealed.")
            .AcceptsKeys(ApiKey.Owner, ApiKey.OwnerCredential).WithProblems(StatusCodes.Status404NotFound);
        boards.MapPatch("/{id:guid}", UpdateBoardAsync).WithName("UpdateBoard")
            .WithSummary("Owner: change title, recipient, deliverAt or timeZone before delivery (moves the delivery).")
            .AcceptsKeys(ApiKey.Owner, ApiKey.OwnerCredential).WithBodyProblems(StatusCodes.Status404NotFound, StatusCodes.Status409Conflict);
        boards.MapPost("/{id:guid}/deliver", DeliverNowAsync).WithName("DeliverBoardNow").RequireRateLimiting(RateLimits.Deliver)
            .WithSummary("Owner: unlock the board now and send the recipient's email.")
            .WithDescription("A board with fewer cards than the operator's threshold (fewCardsThreshold in the board's view; no cards at all included) "
                + "answers 409 few_cards_unconfirmed unless confirmFewCards=true: the owner has been shown how few there are.")
            .AcceptsKeys(ApiKey.Owner, ApiKey.OwnerCredential).WithProblems(StatusCodes.Status404NotFound, StatusCodes.Status409Conflict);
        boards.MapDelete("/{id:guid}", CancelBoardAsync).WithName("CancelBoard")
            .WithSummary("Owner: cancel the board; it will never be delivered.")
            .AcceptsKeys(ApiKey.Owner, ApiKey.OwnerCredential).WithProblems(StatusCodes.Status404NotFound, StatusCodes.Status409Conflict);
        boards.MapPost("/{id:guid}/invitations", InviteAsync).WithName("InviteContributors").RequireRateLimiting(RateLimits.Invite)
            .WithSummary("Owner: email personal contribution links to up to 100 addresses; body {contributeKey, emails}.")
            .AcceptsKeys(ApiKey.Owner, ApiKey.OwnerCredential).WithBodyProblems(StatusCodes.Status404NotFound, StatusCodes.Status409Conflict).Idempotent();
        boards.MapGet("/{id:guid}/summary", GetSummaryAsync).WithName("GetBoardSummary")
            .WithSummary("Contributor, owner or recipient: title, recipient name, deliverAt, status and card count.")
            .AcceptsKeys(ApiKey.Contribute, ApiKey.Owner, ApiKey.Recipient, ApiKey.Reader, ApiKey.OwnerCredential).WithProblems(StatusCodes.Status404NotFound);
        boards.MapPost("/{id:guid}/cards", AddCardAsync).WithName("AddCard").RequireRateLimiting(RateLimits.AddCard)
            .WithSummary("Contributor: post a sealed card; returns its key once.")
            .AcceptsKeys(ApiKey.Contribute).WithBodyProblems(StatusCodes.Status404NotFound, StatusCodes.Status409Conflict).Idempotent();
        boards.MapGet("/{id:guid}/cards", GetCardsAsync).WithName("GetCards")
            .WithSummary("Recipient, owner or contributor: every card, after delivery only (403 while sealed).")
            .AcceptsKeys(ApiKey.Recipient, ApiKey.Owner, ApiKey.Contribute, ApiKey.Reader, ApiKey.OwnerCredential).WithProblems(StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound);
        boards.MapGet("/{id:guid}/cards/{cardId:guid}", GetCardAsync).WithName("GetCard")
            .WithSummary("Author: read one's own card with its key.")
            .AcceptsKeys(ApiKey.Card).WithProblems(StatusCodes.Status404NotFound);
        boards.MapPut("/{id:guid}/cards/{cardId:guid}", EditCardAsync).WithName("EditCard")
            .WithSummary("Author: change one's own card before delivery.")
            .AcceptsKeys(ApiKey.Card).WithBodyProblems(StatusCodes.Status404NotFound, StatusCodes.Status409Conflict);
        boards.MapDelete("/{id:guid}/cards/{cardId:guid}", RemoveCardAsync).WithName("RemoveCard")
            .WithSummary("Author (card key) or owner (owner key): remove a card before delivery.")
            .AcceptsKeys(ApiKey.Card, ApiKey.Owner, ApiKey.OwnerCredential).WithProblems(StatusCodes.Status404NotFound, StatusCodes.Status409Conflict);
        return app;
    }

    private static async Task<Created<BoardCreated>> CreateBoardAsync(CreateBoardRequest? request, HttpRequest http, IGrainFactory grains, Idempotency idempotency)
    {
        var body = RequestBodies.Required(request, http);
        var command = new CreateBoard(
            body.Title ?? "",
            body.RecipientName ?? "",
            body.RecipientEmail ?? "",
            body.OwnerName ?? "",
            body.OwnerEmail ?? "",
            Instants.ParseOptional(body.DeliverAt, "deliverAt"),
            body.TimeZone,
            body.ContributorEmails,
            body.NoteToRecipient,
            body.EmptyBoardPolicy);
        var retry = await idempotency.ReadAsync(http, "POST /api/boards", command, keyCount: 2);
        var id = retry is null ? Guid.NewGuid() : Idempotency.BoardId(retry);
        var credential = CapabilityKey.From(http);
        var created = await grains.GetGrain<IBoardGrain>(id).CreateAsync(command, retry, credential.Length > 0 ? credential : null);
        return TypedResults.Created($"/api/boards/{id}", created);
    }

    private static async Task<Ok<OwnerConfirmed>> ConfirmOwnerAsync(Guid id, ConfirmOwnerRequest? request, HttpRequest http, IGrainFactory grains)
    {
        var body = RequestBodies.Required(request, http);
        return TypedResults.Ok(await grains.GetGrain<IBoardGrain>(id).ConfirmOwnerAsync(body.Token ?? ""));
    }

    private static async Task<Ok<BoardOwnerView>> ResendOwnerConfirmationAsync(Guid id, HttpRequest request, IGrainFactory grains) =>
        TypedResults.Ok(await grains.GetGrain<IBoardGrain>(id).ResendOwnerConfirmationAsync(CapabilityKey.From(request)));

    private static async Task<Ok<BoardOwnerView>> GetBoardAsync(Guid id, HttpRequest request, IGrainFactory grains) =>
        TypedResults.Ok(await grains.GetGrain<IBoardGrain>(id).GetOwnerViewAsync(CapabilityKey.From(request)));

    private static async Task<Ok<BoardOwnerView>> UpdateBoardAsync(Guid id, UpdateBoardRequest? request, HttpRequest http, IGrainFactory grains)
    {
        var key = CapabilityKey.From(http);
        var body = RequestBodies.Required(request, http);
        var command = new UpdateBoard(
            body.Title, body.RecipientName, body.RecipientEmail, Instants.ParseOptional(body.DeliverAt, "deliverAt"), body.TimeZone, body.NoteToRecipient, body.EmptyBoardPolicy);
        return TypedResults.Ok(await grains.GetGrain<IBoardGrain>(id).UpdateAsync(key, command));
    }

    private static async Task<Ok<BoardOwnerView>> DeliverNowAsync(Guid id, HttpRequest request, IGrainFactory grains, bool? confirmFewCards = null) =>
        TypedResults.Ok(await grains.GetGrain<IBoardGrain>(id).DeliverNowAsync(CapabilityKey.From(request), confirmFewCards ?? false));

    private static async Task<NoContent> CancelBoardAsync(Guid id, HttpRequest request, IGrainFactory grains)
    {
        await grains.GetGrain<IBoardGrain>(id).CancelAsync(CapabilityKey.From(request));
        return TypedResults.NoContent();
    }

    private static async Task<Ok<IReadOnlyList<InviteeView>>> InviteAsync(Guid id, InviteRequest? request, HttpRequest http, IGrainFactory grains, Idempotency idempotency)
    {
        var key = CapabilityKey.From(http);
        var body = RequestBodies.Required(request, http);
        var (contributeKey, emails) = (body.ContributeKey ?? "", body.Emails ?? []);
        var retry = await idempotency.ReadAsync(http, $"POST /api/boards/{id:N}/invitations", new { contributeKey, emails }, keyCount: 0);
        return TypedResults.Ok(await grains.GetGrain<IBoardGrain>(id).InviteAsync(key, contributeKey, emails, retry));
    }

    private static async Task<Ok<BoardSummary>> GetSummaryAsync(Guid id, HttpRequest request, IGrainFactory grains) =>
        TypedResults.Ok(await grains.GetGrain<IBoardGrain>(id).GetSummaryAsync(CapabilityKey.From(request)));

    private static async Task<Created<CardCreated>> AddCardAsync(Guid id, CreateCardRequest? request, HttpRequest http, IGrainFactory grains, Idempotency idempotency)
    {
        var key = CapabilityKey.From(http);
        var body = RequestBodies.Required(request, http);
        var card = new NewCard(body.AuthorName ?? "", body.Message ?? "", body.InviteToken, body.AuthorEmail);
        var retry = await idempotency.ReadAsync(http, $"POST /api/boards/{id:N}/cards", card, keyCount: 1);
        var created = await grains.GetGrain<IBoardGrain>(id).AddCardAsync(key, card, retry);
        return TypedResults.Created($"/api/boards/{id}/cards/{created.CardId}", created);
    }

    private static async Task<Ok<IReadOnlyList<CardView>>> GetCardsAsync(Guid id, HttpRequest request, IGrainFactory grains) =>
        TypedResults.Ok(await grains.GetGrain<IBoardGrain>(id).GetCardsAsync(CapabilityKey.From(request)));

    private static async Task<Ok<CardView>> GetCardAsync(Guid id, Guid cardId, HttpRequest request, IGrainFactory grains) =>
        TypedResults.Ok(await grains.GetGrain<IBoardGrain>(id).GetCardAsync(cardId, CapabilityKey.From(request)));

    private static async Task<Ok<CardView>> EditCardAsync(Guid id, Guid cardId, EditCardRequest? request, HttpRequest http, IGrainFactory grains)
    {
        var key = CapabilityKey.From(http);
        var body = RequestBodies.Required(request, http);
        return TypedResults.Ok(await grains.GetGrain<IBoardGrain>(id).EditCardAsync(cardId, key, body.Message ?? ""));
    }

    private static async Task<NoContent> RemoveCardAsync(Guid id, Guid cardId, HttpRequest request, IGrainFactory grains)
    {
        await grains.GetGrain<IBoardGrain>(id).RemoveCardAsync(cardId, CapabilityKey.From(request));
        return TypedResults.NoContent();
    }
}
