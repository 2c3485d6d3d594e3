using Kudos.Grains.Email;

namespace Kudos.Grains.Boards;

/// <summary>Invitations and their reminder, with RFC 8058 one-click unsubscribe headers.</summary>
public static class InvitationEmail
{
    /// <summary>The dispatch id of the invitation of <paramref name="email"/> (by a hash: addresses never appear in ids).</summary>
    public static string InvitationId(Guid boardId, string email) => $"board-invite/{boardId:N}/{DispatchIds.AddressHash(email, 12)}";

    /// <summary>The dispatch id of the reminder of <paramref name="email"/>.</summary>
    public static string ReminderId(Guid boardId, string email) => $"board-invite-reminder/{boardId:N}/{DispatchIds.AddressHash(email, 12)}";

    /// <summary>The contribution link; the key and the personal invite token travel in the fragment.</summary>
    public static string InviteUrl(Uri publicBaseUrl, Guid boardId, string contributeKey, string inviteToken) =>
        $"{PublicLinks.Base(publicBaseUrl)}/c/{boardId:N}#k={contributeKey}&i={inviteToken}";

    /// <summary>The one-click unsubscribe URL: a POST to it unsubscribes, a GET only shows a page.</summary>
    public static string UnsubscribeUrl(Uri publicBaseUrl, Guid boardId, string unsubscribeToken) =>
        $"{PublicLinks.Base(publicBaseUrl)}/u/{boardId:N}/{unsubscribeToken}";

    /// <summary>The invitation to write a card (or, with <paramref name="reminder"/>, its reminder before delivery).</summary>
    public static EmailMessage Compose(Guid boardId, BoardState board, InviteeState invitee, bool reminder, string? unsubscribeMailbox)
    {
        var title = Words.Quoted(board.Title);
        var when = board.DeliverAt is { } at ? $"on {Words.Date(at, board.TimeZone)}" : $"once {board.OwnerName} picks a day";
        var subject = reminder
            ? $"Reminder: add your card for {board.RecipientName}" + (board.DeliverAt is { } due ? $" before {Words.Date(due, board.TimeZone)}" : "")
            : $"{board.OwnerName} invites you to write a card for {board.RecipientName}";
        var lead = reminder
            ? $"The board {title} for {board.RecipientName} is delivered {when}, and your card is not on it yet."
            : $"{board.OwnerName} is collecting cards for {board.RecipientName} on the board {title}. It will be delivered {when}.";
        var (html, text) = EmailLayout.Render(
            subject,
            lead,
            [
                EmailBlock.Greeting(null),
                new EmailBlock.Paragraph(lead),
                new EmailBlock.Paragraph("Cards stay sealed until then: only you can read yours."),
                new EmailBlock.Small("Don't want these invitations?", "Unsubscribe", invitee.UnsubscribeUrl),
            ],
            ("Write your card", invitee.InviteUrl),
            $"You got this email because {board.OwnerName} invited you to write a card for {board.RecipientName}.");
        var listUnsubscribe = unsubscribeMailbox is { Length: > 0 }
            ? $"<{invitee.UnsubscribeUrl}>, <mailto:{unsubscribeMailbox}?subject=unsubscribe%20{boardId:N}>"
            : $"<{invitee.UnsubscribeUrl}>";
        return new EmailMessage(
            [new Mailbox("", invitee.Email)],
            subject,
            html,
            text,
            reminder ? EmailTypes.Reminder : EmailTypes.Invitation,
            boardId.ToString("N"),
            Headers: [new EmailHeader("List-Unsubscribe", listUnsubscribe), new EmailHeader("List-Unsubscribe-Post", "List-Unsubscribe=One-Click")],
            Priority: reminder ? EmailPriorities.InviteeReminder : EmailPriorities.Invitation,
            ReputationOwner: Addresses.Normalize(board.OwnerEmail));
    }
}
