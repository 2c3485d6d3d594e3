namespace Kudos.Grains;

/// <summary>Keys of the <see cref="IIndexGrain"/>s.</summary>
public static class IndexNames
{
    public const string Held = "index-held";
    public const string Suppressions = "index-suppressions";
    public const string UnmatchedEvents = "index-unmatched-events";

    /// <summary>Owner addresses whose invitations the sender-reputation guard holds.</summary>
    public const string HeldOwners = "index-held-owners";
}
