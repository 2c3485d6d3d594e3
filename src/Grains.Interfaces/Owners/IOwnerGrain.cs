namespace Kudos.Grains.Owners;

/// <summary>
/// One owner address (the key is the normalized address): its boards, the credentials issued to it, its daily quotas and
/// its sender reputation. Nothing here is reachable without either a board's confirmation token or an owner credential.
/// </summary>
public interface IOwnerGrain : IGrainWithStringKey
{
    /// <summary>
    /// Counts a new board against the owner's daily quota — unconfirmed boards (each sends a confirmation email to the
    /// address) and confirmed ones separately — and the invitations it asks for; lists it among the owner's boards.
    /// </summary>
    /// <exception cref="KudosException">A quota is exhausted (429).</exception>
    Task<OwnerStanding> AdmitBoardAsync(Guid boardId, bool confirmed, IReadOnlyList<string> invitationIds);

    /// <summary>Counts invitations against the daily quota and remembers them for the reputation rate.</summary>
    /// <exception cref="KudosException">The daily invitation quota is exhausted (429).</exception>
    Task<OwnerStanding> AdmitInvitationsAsync(Guid boardId, IReadOnlyList<string> invitationIds);

    /// <summary>Counts one more confirmation email (a resend) against the daily quota of unconfirmed boards.</summary>
    Task AdmitConfirmationEmailAsync(Guid boardId);

    /// <summary>Issues a new owner credential after a confirmation through <paramref name="boardId"/>; returns it in clear, once.</summary>
    Task<string> IssueCredentialAsync(Guid boardId);

    /// <summary>Revokes every credential of this owner.</summary>
    Task<int> RevokeCredentialsAsync();

    /// <summary>The owner's boards, newest first (at most <see cref="OwnerLimits.ListedBoards"/>).</summary>
    Task<IReadOnlyList<Guid>> GetBoardIdsAsync();

    /// <summary>The current standing: whether invitations are held, and the reputation figures.</summary>
    Task<OwnerStanding> GetStandingAsync();

    /// <summary>A provider reported a hard bounce or a complaint for one of this owner's invitations.</summary>
    Task RecordInvitationOutcomeAsync(string dispatchId, Email.DispatchStatus outcome);

    /// <summary>An operator lifts the hold; boards with held invitations send them.</summary>
    Task<OwnerStanding> ReleaseAsync(string? note);
}

/// <summary>
/// An owner credential (the key is the credential's hash): which address it stands for, until revoked. A credential is
/// looked up by its hash, so the secret itself is never stored.
/// </summary>
public interface IOwnerCredentialGrain : IGrainWithStringKey
{
    Task IssueAsync(string ownerAddress);

    /// <summary>The normalized owner address, or null when the credential is unknown or revoked.</summary>
    [Orleans.Concurrency.ReadOnly]
    Task<string?> GetOwnerAsync();

    Task RevokeAsync();
}

/// <summary>An owner's sender reputation and whether their invitations are held for an operator.</summary>
/// <param name="Address">The normalized address.</param>
/// <param name="InvitationsHeld">True while the reputation guard holds this owner's invitations.</param>
/// <param name="HeldSince">When the hold began.</param>
/// <param name="HeldReason">Why, in words an operator can act on.</param>
/// <param name="RecentInvitations">Invitations counted for the rate (the last <see cref="OwnerLimits.ReputationWindow"/>).</param>
/// <param name="HardBounces">Hard bounces among them.</param>
/// <param name="Complaints">Complaints among them.</param>
[GenerateSerializer, Immutable, Alias("kudos.owner-standing")]
public sealed record OwnerStanding(
    string Address,
    bool InvitationsHeld,
    DateTimeOffset? HeldSince,
    string? HeldReason,
    int RecentInvitations,
    int HardBounces,
    int Complaints);

/// <summary>Fixed sizes of an owner's records.</summary>
public static class OwnerLimits
{
    /// <summary>How many of an owner's boards are kept for listing (the newest).</summary>
    public const int ListedBoards = 200;

    /// <summary>How many of an owner's latest invitations the reputation rate is computed over.</summary>
    public const int ReputationWindow = 100;

    /// <summary>What every owner credential starts with (then 43 base64url characters, 256 bits): it tells it from a board key.</summary>
    public const string CredentialPrefix = "oc_";
}
