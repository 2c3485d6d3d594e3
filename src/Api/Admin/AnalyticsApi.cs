using System.Globalization;
using Kudos.Grains;
using Kudos.Grains.Email;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Kudos.Api.Admin;

/// <summary><c>/api/admin/analytics</c> and <c>/api/admin/email-health</c>: figures kept by grains as things happen.</summary>
public static class AnalyticsApi
{
    /// <summary>The longest period one analytics query covers.</summary>
    public const int MaxDays = 366;

    /// <summary>Maps the routes on the admin group (which carries the admin-key filter).</summary>
    public static RouteGroupBuilder MapAnalyticsApi(this RouteGroupBuilder admin)
    {
        admin.MapGet("/analytics", GetAnalyticsAsync).WithName("GetEmailAnalytics")
            .WithSummary("Per day × email type × tenant: sent, delivered, opened, clicked, bounced, complained, failed, suppressed (from, to: yyyy-MM-dd, at most 366 days; type optional).")
            .WithAdminProblems(StatusCodes.Status400BadRequest);
        admin.MapGet("/email-health", GetHealthAsync).WithName("GetEmailHealth")
            .WithSummary("Pending, sending, held, failed in 24 h, oldest pending age, last activity, average attempts, resends after unknown outcomes.")
            .WithAdminProblems();
        admin.MapGet("/webhook-events/{id}", GetWebhookEventAsync).WithName("GetWebhookEvent")
            .WithSummary("A recorded provider event and what became of it (Applied, or Unmatched for an unknown message).")
            .WithAdminProblems(StatusCodes.Status404NotFound);
        admin.MapGet("/webhook-events", ListUnmatchedAsync).WithName("ListUnmatchedWebhookEvents")
            .WithSummary($"Provider events that named no known message, kept for inspection (after, limit ≤ {IndexPages.MaxLimit}).")
            .WithAdminProblems(StatusCodes.Status400BadRequest);
        return admin;
    }

    private static async Task<Ok<IReadOnlyList<EmailStatsRow>>> GetAnalyticsAsync(IGrainFactory grains, TimeProvider time, string? from, string? to, string? type)
    {
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        var first = ParseDay(from, "from") ?? today.AddDays(-6);
        var last = ParseDay(to, "to") ?? today;
        if (last < first || last.DayNumber - first.DayNumber >= MaxDays)
        {
            throw KudosException.Invalid("to", $"'from' must not be after 'to', and a query covers at most {MaxDays} days.");
        }

        var days = Enumerable.Range(0, last.DayNumber - first.DayNumber + 1).Select(i => first.AddDays(i));
        var rows = await Task.WhenAll(days.Select(day =>
            grains.GetGrain<IEmailStatsGrain>(day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)).GetAsync()));
        return TypedResults.Ok<IReadOnlyList<EmailStatsRow>>([.. rows.SelectMany(r => r).Where(r => type is null || r.EmailType == type)]);
    }

    private static async Task<Ok<EmailHealthView>> GetHealthAsync(IGrainFactory grains) =>
        TypedResults.Ok(await grains.GetGrain<IEmailHealthGrain>(HealthKeys.Cluster).GetAsync());

    private static async Task<Ok<WebhookEventView>> GetWebhookEventAsync(string id, IGrainFactory grains) =>
        await grains.GetGrain<IWebhookEventGrain>(ProviderIndex.EventKey(id)).GetAsync() is { } view
            ? TypedResults.Ok(view)
            : throw KudosException.NotFound("webhook event");

    private static async Task<Ok<IReadOnlyList<WebhookEventView>>> ListUnmatchedAsync(IGrainFactory grains, string? after, int? limit)
    {
        var keys = await grains.GetGrain<IIndexGrain>(IndexNames.UnmatchedEvents).ListAsync(after, IndexPages.For(limit));
        var views = await Task.WhenAll(keys.Select(k => grains.GetGrain<IWebhookEventGrain>(k).GetAsync()));
        return TypedResults.Ok<IReadOnlyList<WebhookEventView>>([.. views.OfType<WebhookEventView>()]);
    }

    private static DateOnly? ParseDay(string? value, string field) =>
        value is null ? null
        : DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) ? day
        : throw KudosException.Invalid(field, $"'{field}' must be a date as yyyy-MM-dd (was '{(value.Length > 20 ? value[..20] : value)}').");
}
