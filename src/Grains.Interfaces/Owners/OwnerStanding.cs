namespace Kudos.Grains.Owners;

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
