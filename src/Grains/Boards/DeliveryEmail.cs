using System.Globalization;
using System.Net;
using Kudos.Grains.Email;

namespace Kudos.Grains.Boards;

/// <summary>Composes the email that tells the recipient their board is ready. Every user-supplied string is HTML-escaped.</summary>
public static class DeliveryEmail
{
    /// <summary>The dispatch id of a board's delivery email: deterministic, so a repeated hand-off is a no-op.</summary>
    public static string DispatchId(Guid boardId) => $"board-delivery/{boardId:N}";

    /// <summary>The recipient's link. The key travels in the fragment so it never reaches a server log.</summary>
    public static string RecipientUrl(Uri publicBaseUrl, Guid boardId, string recipientKey) =>
        $"{PublicLinks.Base(publicBaseUrl)}/b/{boardId:N}#k={recipientKey}";

    public static EmailMessage Compose(Guid boardId, BoardState board, IReadOnlyCollection<CardState> cards, string recipientUrl)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById(board.TimeZone);
        var instant = board.DeliveredAt ?? board.DeliverAt ?? DateTimeOffset.UtcNow;
        var local = TimeZoneInfo.ConvertTime(instant, zone);
        var when = local.ToString("dddd d MMMM yyyy, HH:mm", CultureInfo.InvariantCulture) + $" ({board.TimeZone})";
        var count = cards.Count;
        var cardsText = count == 1 ? "1 card" : $"{count} cards";
        var authors = cards.Select(c => c.AuthorName).Distinct(StringComparer.Ordinal).Count();
        var people = authors == 1 ? "1 person" : $"{authors} people";

        var subject = $"{board.RecipientName}, your kudos board \u201c{board.Title}\u201d is ready";
        var text = $"""
            Hi {board.RecipientName},

            {board.OwnerName} and {people} wrote {cardsText} for you on the board "{board.Title}".
            It was sealed until now ({when}). Open it here:

            {recipientUrl}

            This link is personal: anyone who has it can read the board.
            """;

        static string E(string s) => WebUtility.HtmlEncode(s);
        var html = $"""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>{E(subject)}</title></head>
            <body style="font-family: sans-serif; line-height: 1.5; color: #222;">
              <p>Hi {E(board.RecipientName)},</p>
              <p>{E(board.OwnerName)} and {E(people)} wrote {E(cardsText)} for you on the board <strong>{E(board.Title)}</strong>.
                 It was sealed until now ({E(when)}).</p>
              <p><a href="{E(recipientUrl)}" style="display: inline-block; padding: 10px 16px; background: #5b3cc4; color: #fff; text-decoration: none; border-radius: 6px;">Open your board</a></p>
              <p style="font-size: 0.9em; color: #555;">Or paste this address into your browser: {E(recipientUrl)}<br>
                 This link is personal: anyone who has it can read the board.</p>
            </body></html>
            """;

        return new EmailMessage(
            [new Mailbox(board.RecipientName, board.RecipientEmail)],
            subject,
            html,
            text,
            EmailTypes.Delivery,
            boardId.ToString("N"),
            Priority: EmailPriorities.Delivery,
            OutcomeBoardId: boardId);
    }
}
