using System.Net;
using Kudos.Grains.Email;

namespace Kudos.Grains.Boards;

/// <summary>The owner's emails about the delivery: "delivered", or an urgent notice saying why it was not.</summary>
public static class OwnerNoticeEmail
{
    /// <summary>One notice per board and outcome: a repeated report of the same outcome sends nothing more.</summary>
    public static string DispatchId(Guid boardId, DispatchStatus outcome) => $"board-owner-notice/{boardId:N}/{outcome.ToString().ToLowerInvariant()}";

    /// <summary>The notice for <paramref name="outcome"/>, or null when none is due (the owner's own address is the failing one).</summary>
    public static EmailMessage? Compose(Guid boardId, BoardState board, IReadOnlyCollection<CardState> cards, DispatchView outcome)
    {
        static string E(string? s) => WebUtility.HtmlEncode(s ?? "");
        var owner = new Mailbox(board.OwnerName, board.OwnerEmail);
        if (outcome.Status == DispatchStatus.Sent)
        {
            var subject = $"Your kudos board \u201c{board.Title}\u201d was delivered to {board.RecipientName}";
            var text = $"""
                Hi {board.OwnerName},

                {board.RecipientName} has received the board "{board.Title}" with {cards.Count} card(s) ({outcome.SentAt:u}).
                """;
            var html = $"<p>Hi {E(board.OwnerName)},</p><p>{E(board.RecipientName)} has received the board <strong>{E(board.Title)}</strong> with {cards.Count} card(s) ({E(outcome.SentAt?.ToString("u"))}).</p>";
            return new EmailMessage([owner], subject, html, text, EmailTypes.OwnerNotice, boardId.ToString("N"), BackstopBoardId: boardId);
        }

        // The notice would go where delivery just failed: the owner's board page shows the failure instead.
        if (string.Equals(Addresses.Normalize(board.OwnerEmail), Addresses.Normalize(board.RecipientEmail), StringComparison.Ordinal))
        {
            return null;
        }

        var what = outcome.Status switch
        {
            DispatchStatus.Suppressed => "was not sent: the recipient's address is on the suppression list",
            DispatchStatus.Bounced => "bounced: the recipient's mail server says the address does not exist",
            DispatchStatus.Complained => "was marked as spam by the recipient",
            DispatchStatus.Held => "is held: the mail provider does not allow this recipient yet",
            _ => "could not be delivered",
        };
        var urgentSubject = $"Action needed: your kudos board \u201c{board.Title}\u201d {what}";
        var urgentText = $"""
            Hi {board.OwnerName},

            The email that gives {board.RecipientName} ({board.RecipientEmail}) access to the board "{board.Title}" {what}.

            Status: {outcome.Status}
            Reason: {outcome.LastError ?? "(none given)"}
            Mail server's reply: {outcome.ServerReply ?? "(none)"}

            Check the recipient's address on your board page; you can correct it and deliver again, or contact support.
            """;
        var urgentHtml = $"""
            <p>Hi {E(board.OwnerName)},</p>
            <p>The email that gives {E(board.RecipientName)} ({E(board.RecipientEmail)}) access to the board <strong>{E(board.Title)}</strong> {E(what)}.</p>
            <ul><li>Status: {E(outcome.Status.ToString())}</li><li>Reason: {E(outcome.LastError ?? "(none given)")}</li><li>Mail server's reply: {E(outcome.ServerReply ?? "(none)")}</li></ul>
            <p>Check the recipient's address on your board page; you can correct it and deliver again, or contact support.</p>
            """;
        return new EmailMessage([owner], urgentSubject, urgentHtml, urgentText, EmailTypes.OwnerNotice, boardId.ToString("N"), Priority: EmailPriorities.OwnerNotice, BackstopBoardId: boardId);
    }
}
