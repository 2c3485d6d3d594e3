using System.Globalization;
using System.Net;
using Kudos.Grains.Email;

namespace Kudos.Grains.Boards;

/// <summary>The email that asks a new owner to confirm their address; until they do, nothing else leaves for the board.</summary>
public static class OwnerConfirmationEmail
{
    /// <summary>One id per confirmation email of a board (the first, resends, and the one sent when the instant passes).</summary>
    public static string DispatchId(Guid boardId, int number) => $"board-owner-confirmation/{boardId:N}/{number}";

    /// <summary>
    /// The confirmation page; the token travels in the fragment, which never reaches a server or its logs. Opening it only
    /// shows a button: mail scanners that fetch links confirm nothing.
    /// </summary>
    public static string ConfirmUrl(Uri publicBaseUrl, Guid boardId, string token) => $"{PublicLinks.Base(publicBaseUrl)}/confirm/{boardId:N}#t={token}";

    public static EmailMessage Compose(Guid boardId, BoardState board, string url, bool due)
    {
        static string E(string s) => WebUtility.HtmlEncode(s);
        var zone = TimeZoneInfo.FindSystemTimeZoneById(board.TimeZone);
        string Local(DateTimeOffset at) => TimeZoneInfo.ConvertTime(at, zone).ToString("dddd d MMMM yyyy, HH:mm", CultureInfo.InvariantCulture) + $" ({board.TimeZone})";
        var expires = Local(board.OwnerConfirmation!.ExpiresAt);
        var waiting = board.Waiting.Count(e => e.Email.EmailType == EmailTypes.Invitation);
        var subject = due
            ? $"Action needed: confirm your address to deliver \u201c{board.Title}\u201d"
            : $"Confirm your address to send your kudos board \u201c{board.Title}\u201d";
        var lead = due
            ? $"The board \"{board.Title}\" for {board.RecipientName} was due {Local(board.DeliverAt!.Value)}, but your address is not confirmed yet. "
              + "It stays sealed, and is delivered as soon as you confirm."
            : $"The board \"{board.Title}\" for {board.RecipientName} was created with this address as its owner. "
              + "Until you confirm it, nothing is sent for the board: "
              + (waiting > 0 ? $"{waiting} invitation{(waiting == 1 ? "" : "s")} wait, and " : "")
              + "the board will not be delivered.";
        const string Ignore = "If you did not create this board, ignore this email: nothing will be sent.";
        var text = $"""
            Hello {board.OwnerName},

            {lead}

            Confirm your address: {url}
            The link works until {expires}. Confirming also lets this browser create further boards without asking again.

            {Ignore}
            """;
        var html = $"""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>{E(subject)}</title></head>
            <body style="font-family: sans-serif; line-height: 1.5; color: #222;">
              <p>Hello {E(board.OwnerName)},</p>
              <p>{E(lead)}</p>
              <p><a href="{E(url)}" style="display: inline-block; padding: 10px 16px; background: #5b3cc4; color: #fff; text-decoration: none; border-radius: 6px;">Confirm your address</a></p>
              <p>The link works until {E(expires)}.</p>
              <p style="font-size: 0.85em; color: #666;">{E(Ignore)}</p>
            </body></html>
            """;
        return new EmailMessage(
            [new Mailbox(board.OwnerName, board.OwnerEmail)],
            subject,
            html,
            text,
            EmailTypes.OwnerConfirmation,
            boardId.ToString("N"),
            Priority: EmailPriorities.OwnerConfirmation);
    }
}
