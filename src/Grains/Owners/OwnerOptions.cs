namespace Kudos.Grains.Owners;

/// <summary>Who may make the product email others, and how much (configuration section <c>Owners</c>).</summary>
public sealed class OwnerOptions
{
    public const string Section = "Owners";

    /// <summary>
    /// A new owner address must be confirmed (a link emailed to it) before any invitation or delivery leaves for its
    /// boards. Turn off only where every caller is already authenticated (an intranet behind single sign-on).
    /// </summary>
    public bool RequireConfirmation { get; set; } = true;

    /// <summary>How long a confirmation link stays valid; the board page sends a new one on request.</summary>
    public TimeSpan ConfirmationLifetime { get; set; } = TimeSpan.FromDays(7);

    public OwnerQuotas Quotas { get; set; } = new();

    public ReputationOptions Reputation { get; set; } = new();
}

/// <summary>Per owner address per UTC day, and per board.</summary>
public sealed class OwnerQuotas
{
    /// <summary>Boards created without the owner's credential (each emails a confirmation link to the address).</summary>
    public int UnconfirmedBoardsPerDay { get; set; } = 5;

    /// <summary>Boards created with the owner's credential.</summary>
    public int BoardsPerDay { get; set; } = 50;

    /// <summary>Invitations asked for, across the owner's boards.</summary>
    public int InvitationsPerDay { get; set; } = 500;

    /// <summary>Confirmation emails one board may send (the first and the resends).</summary>
    public int ConfirmationEmailsPerBoard { get; set; } = 5;
}

/// <summary>The sender-reputation guard: when an owner's invitations are held for an operator.</summary>
public sealed class ReputationOptions
{
    /// <summary>Hard bounces among the owner's last 100 invitations above this share hold further invitations.</summary>
    public double HardBounceRate { get; set; } = 0.05;

    /// <summary>The bounce rate is judged only once this many invitations were counted.</summary>
    public int MinimumInvitations { get; set; } = 20;

    /// <summary>This many complaints among the owner's last 100 invitations hold further invitations.</summary>
    public int Complaints { get; set; } = 3;
}
