using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using Kudos.Api.Http;
using Kudos.Api.OpenApi;
using Kudos.Grains;
using Kudos.Grains.Email;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Kudos.Api.Admin;

/// <summary>Body of <c>PUT /api/admin/suppressions/{address}</c>.</summary>
public sealed record SuppressionRequest(
    [property: Description("Why the address is suppressed (default Manual).")] SuppressionReason? Reason,
    [property: RegularExpression(Instants.Pattern), Description("When the suppression ends: ISO 8601 with an offset; omit for a permanent one.")] string? ExpiresAt,
    [property: MaxLength(AdminApi.MaxDetailLength), Description("An operator's note.")] string? Detail) : IRequestBody;

/// <summary>Body of <c>POST /api/admin/held/release</c>.</summary>
public sealed record ReleaseRequest([property: Required, MinLength(1), MaxLength(AdminApi.MaxBatch)] IReadOnlyList<string> Ids) : IRequestBody;

/// <summary>The result of releasing one held message.</summary>
public sealed record ReleaseResult(string Id, DispatchStatus? Status, string? Error);

/// <summary><c>/api/admin</c>: dispatches, held messages and suppressions, behind the admin key.</summary>
public static class AdminApi
{
    /// <summary>The most ids one release call takes, and the largest page of a listing.</summary>
    public const int MaxBatch = IndexPages.MaxLimit;

    /// <summary>The longest dispatch id the admin API looks up (the product's own are under 100 characters).</summary>
    public const int MaxDispatchIdLength = 256;

    /// <summary>The longest note an operator may attach to a suppression.</summary>
    public const int MaxDetailLength = 500;

    public static IEndpointRouteBuilder MapAdminApi(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/api/admin").WithTags("Admin").AddEndpointFilter<AdminKeyFilter>().AcceptsKeys(ApiKey.Admin);

        admin.MapGet("/dispatches/{**id}", GetDispatchAsync).WithName("GetDispatch")
            .WithSummary("A dispatch with its envelope and every attempt (ids look like board-delivery/{boardId}).")
            .WithAdminProblems(StatusCodes.Status404NotFound);
        admin.MapDelete("/dispatches/{**id}", CancelDispatchAsync).WithName("CancelDispatch")
            .WithSummary("Cancel a dispatch that has not started sending; 409 once it is sending or sent.")
            .WithAdminProblems(StatusCodes.Status404NotFound, StatusCodes.Status409Conflict);
        admin.MapGet("/held", ListHeldAsync).WithName("ListHeld")
            .WithSummary($"Messages held because the recipient is not allowed yet (paged by id: after, limit ≤ {IndexPages.MaxLimit}).")
            .WithAdminProblems(StatusCodes.Status400BadRequest);
        admin.MapPost("/held/release", ReleaseHeldAsync).WithName("ReleaseHeld")
            .WithSummary("Send held messages now, bypassing Email:AllowedRecipients.")
            .WithAdminProblems([.. ApiContract.Body]);
        admin.MapGet("/suppressions", ListSuppressionsAsync).WithName("ListSuppressions")
            .WithSummary($"Suppressed addresses (paged by address: after, limit ≤ {IndexPages.MaxLimit}).")
            .WithAdminProblems(StatusCodes.Status400BadRequest);
        admin.MapGet("/suppressions/{address}", GetSuppressionAsync).WithName("GetSuppression")
            .WithSummary("The active suppression of one address.")
            .WithAdminProblems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound);
        admin.MapPut("/suppressions/{address}", AddSuppressionAsync).WithName("AddSuppression")
            .WithSummary("Suppress an address: reason Bounce, Complaint, Unsubscribe or Manual; optional expiresAt.")
            .WithAdminProblems([.. ApiContract.Body]);
        admin.MapDelete("/suppressions/{address}", RemoveSuppressionAsync).WithName("RemoveSuppression")
            .WithSummary("Lift the suppression of an address.")
            .WithAdminProblems(StatusCodes.Status400BadRequest);
        admin.MapAnalyticsApi();
        return app;
    }

    /// <summary>Dispatch ids are the product's own (<c>board-delivery/…</c>): printable ASCII, no spaces; anything else names no dispatch.</summary>
    private static IEmailDispatchGrain Dispatch(IGrainFactory grains, string id) =>
        id.Length is > 0 and <= MaxDispatchIdLength && id.All(c => c is > ' ' and <= '~')
            ? grains.GetGrain<IEmailDispatchGrain>(id)
            : throw KudosException.NotFound("dispatch");

    private static async Task<Ok<DispatchDetails>> GetDispatchAsync(string id, IGrainFactory grains)
    {
        var details = await Dispatch(grains, id).GetDetailsAsync();
        return details.Dispatch.Status == DispatchStatus.None ? throw KudosException.NotFound("dispatch") : TypedResults.Ok(details);
    }

    private static async Task<Ok<DispatchView>> CancelDispatchAsync(string id, IGrainFactory grains) =>
        TypedResults.Ok(await Dispatch(grains, id).CancelAsync());

    private static async Task<Ok<IReadOnlyList<DispatchView>>> ListHeldAsync(IGrainFactory grains, string? after, int? limit)
    {
        var ids = await grains.GetGrain<IIndexGrain>(IndexNames.Held).ListAsync(after, IndexPages.For(limit));
        var views = await Task.WhenAll(ids.Select(id => grains.GetGrain<IEmailDispatchGrain>(id).GetAsync()));
        return TypedResults.Ok<IReadOnlyList<DispatchView>>(views);
    }

    private static async Task<Ok<IReadOnlyList<ReleaseResult>>> ReleaseHeldAsync(ReleaseRequest? request, HttpRequest http, IGrainFactory grains)
    {
        var body = RequestBodies.Required(request, http);
        if (body.Ids is not { Count: > 0 and <= MaxBatch } ids)
        {
            throw KudosException.Invalid("ids", $"'ids' must list 1 to {MaxBatch} dispatch ids.");
        }

        var results = new List<ReleaseResult>(ids.Count);
        foreach (var id in ids.Distinct(StringComparer.Ordinal))
        {
            try
            {
                results.Add(new ReleaseResult(id, (await Dispatch(grains, id).ReleaseAsync()).Status, null));
            }
            catch (KudosException ex)
            {
                results.Add(new ReleaseResult(id, null, ex.Detail));
            }
        }

        return TypedResults.Ok<IReadOnlyList<ReleaseResult>>(results);
    }

    private static async Task<Ok<IReadOnlyList<SuppressionView>>> ListSuppressionsAsync(IGrainFactory grains, string? after, int? limit)
    {
        var addresses = await grains.GetGrain<IIndexGrain>(IndexNames.Suppressions).ListAsync(after, IndexPages.For(limit));
        var views = await Task.WhenAll(addresses.Select(a => grains.GetGrain<ISuppressionGrain>(a).GetAsync()));
        return TypedResults.Ok<IReadOnlyList<SuppressionView>>([.. views.OfType<SuppressionView>()]);
    }

    private static async Task<Ok<SuppressionView>> GetSuppressionAsync(string address, IGrainFactory grains) =>
        await grains.GetGrain<ISuppressionGrain>(Key(address)).GetAsync() is { } view
            ? TypedResults.Ok(view)
            : throw KudosException.NotFound("suppression");

    private static async Task<Ok<SuppressionView>> AddSuppressionAsync(string address, SuppressionRequest? request, HttpRequest http, IGrainFactory grains)
    {
        var body = RequestBodies.Required(request, http);
        var reason = body.Reason ?? SuppressionReason.Manual;
        var expiresAt = Instants.ParseOptional(body.ExpiresAt, "expiresAt");
        if (body.Detail is { Length: > MaxDetailLength })
        {
            throw KudosException.Invalid("detail", $"'detail' may be at most {MaxDetailLength} characters.");
        }

        var detail = body.Detail;
        return TypedResults.Ok(await grains.GetGrain<ISuppressionGrain>(Key(address)).AddAsync(reason, expiresAt, detail));
    }

    private static async Task<NoContent> RemoveSuppressionAsync(string address, IGrainFactory grains)
    {
        await grains.GetGrain<ISuppressionGrain>(Key(address)).RemoveAsync();
        return TypedResults.NoContent();
    }

    /// <summary>Admin operations also answer 401 without the admin key.</summary>
    internal static RouteHandlerBuilder WithAdminProblems(this RouteHandlerBuilder builder, params int[] statuses) =>
        builder.WithProblems([StatusCodes.Status401Unauthorized, .. statuses]);

    private static string Key(string address) => Addresses.NormalizeValid(address, "address");
}
