using Kudos.Api.Hosting;
using Kudos.Api.Http;
using Kudos.Api.OpenApi;
using Kudos.Grains.Boards;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Kudos.Api.Boards;

/// <summary>After delivery: reactions to cards and the recipient's one thank-you note.</summary>
public static class ThanksApi
{
    public static IEndpointRouteBuilder MapThanks(this IEndpointRouteBuilder app)
    {
        var boards = app.MapGroup("/api/boards/{id:guid}").WithTags("Thanks");
        boards.MapPut("/cards/{cardId:guid}/reactions/{reaction}", GiveAsync).WithName("React").RequireRateLimiting(RateLimits.React)
            .WithSummary("Recipient, owner or a contributor's own key: give a reaction to a card after delivery (heart, laugh, clap, hug, wow, tears); returns the card's counts.")
            .WithDescription("Once per reaction, card and reader: giving it again changes nothing. The shared contribution key can read the counts, not react (403).")
            .AcceptsKeys(ApiKey.Recipient, ApiKey.Owner, ApiKey.Reader, ApiKey.OwnerCredential)
            .WithProblems(StatusCodes.Status400BadRequest, StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound);
        boards.MapDelete("/cards/{cardId:guid}/reactions/{reaction}", TakeBackAsync).WithName("Unreact").RequireRateLimiting(RateLimits.React)
            .WithSummary("Take one's reaction back; returns the card's counts.")
            .AcceptsKeys(ApiKey.Recipient, ApiKey.Owner, ApiKey.Reader, ApiKey.OwnerCredential)
            .WithProblems(StatusCodes.Status400BadRequest, StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound);
        boards.MapPost("/thanks", ThankAsync).WithName("SendThanks").RequireRateLimiting(RateLimits.React)
            .WithSummary("Recipient: send one thank-you note after delivery; it is emailed to the owner and every contributor who left an address.")
            .AcceptsKeys(ApiKey.Recipient).WithBodyProblems(StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict);
        return app;
    }

    private static async Task<Ok<IReadOnlyList<ReactionCount>>> GiveAsync(Guid id, Guid cardId, string reaction, HttpRequest http, IGrainFactory grains) =>
        TypedResults.Ok(await grains.GetGrain<IBoardGrain>(id).ReactAsync(cardId, CapabilityKey.From(http), reaction, on: true));

    private static async Task<Ok<IReadOnlyList<ReactionCount>>> TakeBackAsync(Guid id, Guid cardId, string reaction, HttpRequest http, IGrainFactory grains) =>
        TypedResults.Ok(await grains.GetGrain<IBoardGrain>(id).ReactAsync(cardId, CapabilityKey.From(http), reaction, on: false));

    private static async Task<Created<ThanksView>> ThankAsync(Guid id, ThanksRequest? request, HttpRequest http, IGrainFactory grains)
    {
        var key = CapabilityKey.From(http);
        var body = RequestBodies.Required(request, http);
        var thanks = await grains.GetGrain<IBoardGrain>(id).SendThanksAsync(key, body.Message ?? "");
        return TypedResults.Created($"/api/boards/{id}/thanks", thanks);
    }
}
