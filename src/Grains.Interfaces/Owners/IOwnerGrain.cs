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
