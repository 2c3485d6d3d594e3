using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Kudos.Grains.Email;

namespace Kudos.Grains.Boards;

/// <summary>Invitations and their reminder, with RFC 8058 one-click unsubscribe headers.</summary>
public static class InvitationEmail
{
    public static string InvitationId(Guid boardId, string email) => $"board-invite/{boardId:N}/{AddressHash(email)}";

    public static string ReminderId(Guid boardId, string email) => $"board-invite-reminder/{boardId:N}/{AddressHash(email)}";

    /// <summary>The contribution link; the key and the personal invite token travel in the fragment.</summary>
    public static string InviteUrl(Uri publicBaseUrl, Guid boardId, string contributeKey, string inviteToken) =>
        $"{PublicLinks.Base(publicBaseUrl)}/c/{boardId:N}#k={contributeKey}&i={inviteToken}";

    /// <summary>The one-click unsubscribe URL: a POST to it unsubscribes, a GET only shows a page.</summary>
    public static string UnsubscribeUrl(Uri publicBaseUrl, Guid boardId, string unsubscribeToken) =>
        $"{PublicLinks.Base(publicBaseUrl)}/u/{boardId:N}/{unsubscribeToken}";

    public static EmailMessage Compose(Guid boardId, BoardState board, InviteeState invitee, bool reminder, string? unsubscribeMailbox)
    {
        static string E(string s) => WebUtility.HtmlEncode(s);
        var zone = TimeZoneInfo.FindSystemTimeZoneById(board.TimeZone);
        var when = board.DeliverAt is { } at
            ? TimeZoneInfo.ConvertTime(at, zone).ToString("dddd d MMMM yyyy, HH:mm", CultureInfo.InvariantCulture) + $" ({board.TimeZone})"
            : "when the board is delivered";
        var subject = reminder
            ? $"Reminder: add your card for {board.RecipientName} before {when}"
            : $"{board.OwnerName} invites you to write a card for {board.RecipientName}";
        var lead = reminder
            ? $"The board \"{board.Title}\" for {board.RecipientName} is delivered {when}, and your card is not on it yet."
            : $"{board.OwnerName} is collecting cards for {board.RecipientName} on the board \"{board.Title}\". It will be delivered {when}.";
        var text = $"""
            Hello,

            {lead}
            Cards stay sealed until then: only you can read yours.

            Write your card: {invitee.InviteUrl}

            Don't want these invitations? Unsubscribe: {invitee.UnsubscribeUrl}
            """;
        var html = $"""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>{E(subject)}</title></head>
            <body style="font-family: sans-serif; line-height: 1.5; color: #222;">
              <p>Hello,</p>
              <p>{E(lead)}<br>Cards stay sealed until then: only you can read yours.</p>
              <p><a href="{E(invitee.InviteUrl)}" style="display: inline-block; padding: 10px 16px; background: #5b3cc4; color: #fff; text-decoration: none; border-radius: 6px;">Write your card</a></p>
              <p style="font-size: 0.85em; color: #666;">Don't want these invitations? <a href="{E(invitee.UnsubscribeUrl)}">Unsubscribe</a>.</p>
            </body></html>
            """;
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

    private static string AddressHash(string email) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Addresses.Normalize(email))).AsSpan(0, 12));
}
