namespace Kudos.Grains.Boards;

/// <summary>
/// The fixed set of reactions a reader can give a card after delivery: the recipient, the owner and each contributor who
/// got a link of their own (one of each per reader and card). The API and storage use the names; pages show the emoji.
/// </summary>
public static class Reactions
{
    public static readonly IReadOnlyDictionary<string, string> Emoji = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["heart"] = "\u2764\uFE0F",
        ["laugh"] = "\U0001F602",
        ["clap"] = "\U0001F44F",
        ["hug"] = "\U0001F917",
        ["wow"] = "\U0001F62E",
        ["tears"] = "\U0001F972",
    };

    /// <summary>The names in display order.</summary>
    public static readonly IReadOnlyList<string> Names = ["heart", "laugh", "clap", "hug", "wow", "tears"];
}
