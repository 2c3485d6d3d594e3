namespace Kudos.Grains.Boards;

/// <summary>
/// An invited contributor. <see cref="InviteUrl"/> and <see cref="UnsubscribeUrl"/> are kept in clear because the
/// reminder re-sends them; they let their holder post a card or stop these emails — never read a sealed card.
/// </summary>
public sealed class InviteeState
{
    public string Email { get; set; } = "";

    public string InviteTokenHash { get; set; } = "";

    public string UnsubscribeTokenHash { get; set; } = "";

    public string InviteUrl { get; set; } = "";

    public string UnsubscribeUrl { get; set; } = "";

    public DateTimeOffset InvitedAt { get; set; }

    public DateTimeOffset? PostedAt { get; set; }

    public DateTimeOffset? RemindedAt { get; set; }
}
