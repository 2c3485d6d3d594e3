namespace Kudos.Grains.Owners;

/// <summary>The persisted state of an owner address (storage state name <c>owner</c>).</summary>
public sealed class OwnerState
{
    /// <summary>The owner's boards, oldest first, at most <see cref="OwnerLimits.ListedBoards"/>.</summary>
    public List<Guid> Boards { get; set; } = [];

    /// <summary>Hashes of the credentials issued to this address (each also has its <see cref="IOwnerCredentialGrain"/>).</summary>
    public List<string> CredentialHashes { get; set; } = [];

    /// <summary>The UTC day the counters below are for (<c>yyyy-MM-dd</c>).</summary>
    public string Day { get; set; } = "";

    public int UnconfirmedBoardsToday { get; set; }

    public int BoardsToday { get; set; }

    public int InvitationsToday { get; set; }

    /// <summary>The latest invitations (at most <see cref="OwnerLimits.ReputationWindow"/>) and what providers said of them.</summary>
    public List<SentInvitation> Recent { get; set; } = [];

    public DateTimeOffset? HeldSince { get; set; }

    public string? HeldReason { get; set; }

    /// <summary>Boards whose invitations wait for the hold to be lifted.</summary>
    public List<Guid> HeldBoards { get; set; } = [];
}

/// <summary>One invitation counted for the reputation rate.</summary>
public sealed class SentInvitation
{
    public string DispatchId { get; set; } = "";

    public bool HardBounced { get; set; }

    public bool Complained { get; set; }
}
