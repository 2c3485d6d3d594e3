using Kudos.Api.Admin;
using Kudos.Api.Http;
using Kudos.Api.OpenApi;
using Kudos.Grains;
using Kudos.Grains.Boards;
using Kudos.Grains.Email;
using Kudos.Grains.Owners;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Kudos.Api.Owners;

/// <summary>Revoked credentials, as the owner's own request reports them.</summary>
public sealed record CredentialsRevoked(int Revoked);

/// <summary>
/// <c>/api/owners/me</c>: what an owner credential opens beyond single boards — the list of the owner's boards (which also
/// answers "I lost my owner link") and revocation. <c>/api/admin/owners</c>: the reputation guard's holds, for operators.
/// </summary>
public static class OwnersApi
{
    public static IEndpointRouteBuilder MapOwnersApi(this IEndpointRouteBuilder app)
    {
        var me = app.MapGroup("/api/owners/me").WithTags("Owners").AcceptsKeys(ApiKey.OwnerCredential);
        me.MapGet("/boards", ListBoardsAsync).WithName("ListOwnerBoards")
            .WithSummary("The credential's owner's boards, newest first (at most 200), with the status of each.")
            .WithProblems(StatusCodes.Status401Unauthorized);
        me.MapDelete("/credentials", RevokeCredentialsAsync).WithName("RevokeOwnerCredentials")
            .WithSummary("Revoke every credential of the owner, this one included (e.g. after losing a device).")
            .WithProblems(StatusCodes.Status401Unauthorized);

        var admin = app.MapGroup("/api/admin/owners").WithTags("Admin").AddEndpointFilter<AdminKeyFilter>().AcceptsKeys(ApiKey.Admin);
        admin.MapGet("/held", ListHeldAsync).WithName("ListHeldOwners")
            .WithSummary("Owners whose invitations the sender-reputation guard holds, with the figures behind each hold.")
            .WithAdminProblems(StatusCodes.Status400BadRequest);
        admin.MapGet("/{address}", GetStandingAsync).WithName("GetOwnerStanding")
            .WithSummary("One owner's standing: hold, recent invitations, hard bounces, complaints.")
            .WithAdminProblems(StatusCodes.Status400BadRequest);
        admin.MapPost("/{address}/release", ReleaseAsync).WithName("ReleaseOwner")
            .WithSummary("Lift an owner's hold: their held invitations are sent, and the reputation window starts afresh.")
            .WithAdminProblems(StatusCodes.Status400BadRequest);
        admin.MapDelete("/{address}/credentials", AdminRevokeAsync).WithName("AdminRevokeOwnerCredentials")
            .WithSummary("Revoke every credential of an owner address.")
            .WithAdminProblems(StatusCodes.Status400BadRequest);
        return app;
    }

    private static async Task<Ok<IReadOnlyList<OwnedBoard>>> ListBoardsAsync(HttpRequest request, IGrainFactory grains)
    {
        var (credential, address) = await AuthenticateAsync(request, grains);
        var ids = await grains.GetGrain<IOwnerGrain>(address).GetBoardIdsAsync();
        var boards = await Task.WhenAll(ids.Select(async id =>
        {
            try
            {
                return await grains.GetGrain<IBoardGrain>(id).GetOwnedBoardAsync(credential);
            }
            catch (KudosException ex) when (ex.Kind == KudosErrorKind.NotFound)
            {
                // Counted against the quota but never written (its creation failed): not a board.
                return null;
            }
        }));
        return TypedResults.Ok<IReadOnlyList<OwnedBoard>>([.. boards.OfType<OwnedBoard>()]);
    }

    private static async Task<Ok<CredentialsRevoked>> RevokeCredentialsAsync(HttpRequest request, IGrainFactory grains)
    {
        var (_, address) = await AuthenticateAsync(request, grains);
        return TypedResults.Ok(new CredentialsRevoked(await grains.GetGrain<IOwnerGrain>(address).RevokeCredentialsAsync()));
    }

    private static async Task<Ok<IReadOnlyList<OwnerStanding>>> ListHeldAsync(IGrainFactory grains, string? after, int? limit)
    {
        var addresses = await grains.GetGrain<IIndexGrain>(IndexNames.HeldOwners).ListAsync(after, IndexPages.For(limit));
        var standings = await Task.WhenAll(addresses.Select(a => grains.GetGrain<IOwnerGrain>(a).GetStandingAsync()));
        return TypedResults.Ok<IReadOnlyList<OwnerStanding>>(standings);
    }

    private static async Task<Ok<OwnerStanding>> GetStandingAsync(string address, IGrainFactory grains) =>
        TypedResults.Ok(await Owner(grains, address).GetStandingAsync());

    private static async Task<Ok<OwnerStanding>> ReleaseAsync(string address, IGrainFactory grains) =>
        TypedResults.Ok(await Owner(grains, address).ReleaseAsync("released by an operator"));

    private static async Task<Ok<CredentialsRevoked>> AdminRevokeAsync(string address, IGrainFactory grains) =>
        TypedResults.Ok(new CredentialsRevoked(await Owner(grains, address).RevokeCredentialsAsync()));

    private static IOwnerGrain Owner(IGrainFactory grains, string address) =>
        grains.GetGrain<IOwnerGrain>(Addresses.NormalizeValid(address, "address"));

    private static async Task<(string Credential, string Address)> AuthenticateAsync(HttpRequest request, IGrainFactory grains)
    {
        var credential = CapabilityKey.From(request);
        return await OwnerCredentials.OwnerOfAsync(grains, credential) is { } address
            ? (credential, address)
            : throw new KudosException(
                KudosErrorKind.Unauthorized,
                "owner_credential_invalid",
                "Send the owner credential (oc_…) you received when you confirmed your address, as Authorization: Bearer; this one is missing, unknown or revoked.",
                "Authorization");
    }
}
