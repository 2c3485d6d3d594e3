using System.Net;
using Kudos.Api.Hosting;
using Kudos.Grains;
using Kudos.Grains.Boards;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Kudos.Api.Boards;

/// <summary>
/// RFC 8058 one-click unsubscribe from a board's invitations and reminders: <c>POST /u/{id}/{token}</c> unsubscribes
/// (mail clients send <c>List-Unsubscribe=One-Click</c>); <c>GET</c> only shows a page with a button, because mail
/// scanners prefetch links.
/// </summary>
public static class UnsubscribeApi
{
    public static IEndpointRouteBuilder MapUnsubscribe(this IEndpointRouteBuilder app)
    {
        app.MapGet("/u/{id:guid}/{token}", ShowPage).WithName("UnsubscribePage").WithTags("Unsubscribe")
            .WithSummary("A page with an unsubscribe button; changes nothing.")
            .Produces(StatusCodes.Status200OK, contentType: "text/html")
            .ProducesProblem(StatusCodes.Status404NotFound);
        app.MapPost("/u/{id:guid}/{token}", UnsubscribeAsync).WithName("Unsubscribe").RequireRateLimiting(RateLimits.Unsubscribe).WithTags("Unsubscribe")
            .WithSummary("One-click unsubscribe (RFC 8058) from this board's invitations and reminders.")
            .Produces(StatusCodes.Status200OK, contentType: "text/html")
            .Produces(StatusCodes.Status404NotFound, contentType: "text/html")
            .DisableAntiforgery();
        return app;
    }

    private static ContentHttpResult ShowPage(Guid id, string token) => Page(
        "Unsubscribe from kudos invitations?",
        $"""
        <p>You will no longer receive invitations or reminders to write kudos cards. Deliveries of boards written for you are not affected.</p>
        <form method="post" action="/u/{id:N}/{WebUtility.HtmlEncode(token)}"><button type="submit">Unsubscribe</button></form>
        """);

    private static async Task<ContentHttpResult> UnsubscribeAsync(Guid id, string token, IGrainFactory grains)
    {
        try
        {
            var masked = await grains.GetGrain<IBoardGrain>(id).UnsubscribeAsync(token);
            return Page("You are unsubscribed", $"<p>{WebUtility.HtmlEncode(masked)} will receive no more invitations or reminders.</p>");
        }
        catch (KudosException ex) when (ex.Kind == KudosErrorKind.NotFound)
        {
            return Page("Link not recognised", "<p>This unsubscribe link is not valid. Nothing was changed.</p>", StatusCodes.Status404NotFound);
        }
    }

    private static ContentHttpResult Page(string title, string body, int status = StatusCodes.Status200OK) => TypedResults.Content(
        $$"""
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex">
        <title>{{WebUtility.HtmlEncode(title)}}</title>
        <style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem;line-height:1.5;color:#222}button{font-size:1rem;padding:.6rem 1.2rem;border-radius:6px;border:0;background:#5b3cc4;color:#fff;cursor:pointer}</style>
        </head><body><h1>{{WebUtility.HtmlEncode(title)}}</h1>{{body}}</body></html>
        """,
        "text/html; charset=utf-8",
        statusCode: status);
}
