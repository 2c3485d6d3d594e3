using System.Globalization;
using System.Text.RegularExpressions;
using Kudos.Grains.Email;

namespace Kudos.Grains.Boards;

/// <summary>The owner's emails about the delivery: "delivered", or an urgent notice saying why it was not.</summary>
public static partial class OwnerNoticeEmail
{
    /// <summary>One notice per board and outcome: a repeated report of the same outcome sends nothing more.</summary>
    public static string DispatchId(Guid boardId, DispatchStatus outcome) => $"board-owner-notice/{boardId:N}/{outcome.ToString().ToLowerInvariant()}";

    /// <summary>
    /// The notice for <paramref name="outcome"/>, or null when none is due (the owner's own address is the failing one).
    /// The people's words say what happened and what the owner can do; the mail server's raw reply appears only under
    /// "Technical details" at the end.
    /// </summary>
    public static EmailMessage? Compose(Guid boardId, BoardState board, IReadOnlyCollection<CardState> cards, DispatchView outcome)
    {
        var owner = new Mailbox(board.OwnerName, board.OwnerEmail);
        var title = Words.Quoted(board.Title);
        var why = EmailLayout.BecauseOwner(board);
        if (outcome.Status == DispatchStatus.Sent)
        {
            var subject = $"Your kudos board {title} was delivered to {board.RecipientName}";
            var sentAt = outcome.SentAt ?? board.DeliveredAt ?? board.DeliverAt;
            var lead = $"{board.RecipientName} has received the board {title} with {Words.CountWithArticle(cards.Count, "card")}"
                + (sentAt is { } at ? $" on {Words.Date(at, board.TimeZone)}." : ".");
            var (html, text) = EmailLayout.Render(
                subject,
                lead,
                [EmailBlock.Greeting(board.OwnerName), new EmailBlock.Paragraph(lead), new EmailBlock.Paragraph("Thank you for gathering them.")],
                null,
                why);
            return new EmailMessage([owner], subject, html, text, EmailTypes.OwnerNotice, boardId.ToString("N"), BackstopBoardId: boardId);
        }

        // The notice would go where delivery just failed: the owner's board page shows the failure instead.
        if (string.Equals(Addresses.Normalize(board.OwnerEmail), Addresses.Normalize(board.RecipientEmail), StringComparison.Ordinal))
        {
            return null;
        }

        var (what, reason) = outcome.Status switch
        {
            DispatchStatus.Suppressed => ("was not sent", "earlier mail to this address bounced or was reported, so we no longer send to it"),
            DispatchStatus.Bounced => ("bounced", "the recipient's mail server says the address does not exist"),
            DispatchStatus.Complained => ("was marked as spam", "the recipient's mail program reported it as spam"),
            DispatchStatus.Held => ("is held", "our mail provider does not allow sending to this address yet; it waits until we can release it"),
            _ when outcome.ServerReply?.TrimStart().StartsWith('5') == true => ("could not be delivered", "the recipient's mail server refused the address"),
            _ => ("could not be delivered", $"we could not reach the recipient's mail server after {Words.Count(Math.Max(outcome.Attempts, 1), "attempt")}"),
        };
        var urgentSubject = $"Action needed: your kudos board {title} {what}";
        var urgentLead = $"The email that gives {board.RecipientName} ({board.RecipientEmail}) the board {title} {what}: {reason}.";
        var (urgentHtml, urgentText) = EmailLayout.Render(
            urgentSubject,
            urgentLead,
            [
                EmailBlock.Greeting(board.OwnerName),
                new EmailBlock.Paragraph(urgentLead),
                new EmailBlock.Paragraph("What you can do:"),
                new EmailBlock.Bullets(outcome.Status == DispatchStatus.Held
                    ? ["Nothing, for now: the board is delivered as soon as the address is released.", "If it is urgent, contact support with the details below."]
                    : ["Check the recipient's address on your board page: you can correct it and deliver the board again.", "If the address is right, contact support with the details below."]),
            ],
            null,
            why,
            Technical(board, outcome));
        return new EmailMessage([owner], urgentSubject, urgentHtml, urgentText, EmailTypes.OwnerNotice, boardId.ToString("N"), Priority: EmailPriorities.OwnerNotice, BackstopBoardId: boardId);
    }

    /// <summary>The outcome as support reads it; an instant in the error reads as a date in the board's zone, like every date.</summary>
    private static List<string> Technical(BoardState board, DispatchView outcome)
    {
        List<string> lines = [$"Status: {outcome.Status}", $"Attempts: {outcome.Attempts}", $"Mail server's reply: {outcome.ServerReply ?? "(none)"}"];
        if (outcome.LastError is { } error && error != outcome.ServerReply)
        {
            lines.Add("Error: " + IsoInstant().Replace(
                error,
                m => DateTimeOffset.TryParse(m.Value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? Words.Date(at, board.TimeZone) : m.Value));
        }

        lines.Add($"Dispatch: {outcome.Id}");
        return lines;
    }

    [GeneratedRegex(@"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?")]
    private static partial Regex IsoInstant();
}
