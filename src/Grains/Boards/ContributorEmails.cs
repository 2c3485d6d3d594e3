using Kudos.Grains.Email;

namespace Kudos.Grains.Boards;

/// <summary>The emails to contributors who left an address (and, for the thanks, the owner): "delivered" and "thank you".</summary>
public static class ContributorEmails
{
    /// <summary>One "delivered" email per board and address (by a hash: addresses never appear in ids).</summary>
    public static string DeliveredId(Guid boardId, string email) => $"board-delivered/{boardId:N}/{DispatchIds.AddressHash(email, 8)}";

    /// <summary>One thank-you email per board and address.</summary>
    public static string ThanksId(Guid boardId, string email) => $"board-thanks/{boardId:N}/{DispatchIds.AddressHash(email, 8)}";

    /// <summary>
    /// Tells a contributor the board they wrote on was delivered; <paramref name="boardUrl"/> is their own link, which
    /// opens the whole board.
    /// </summary>
    public static EmailMessage Delivered(Guid boardId, BoardState board, Mailbox to, int cardCount, IReadOnlyList<string> writers, string boardUrl)
    {
        var title = Words.Quoted(board.Title);
        var subject = $"The board for {board.RecipientName} was delivered";
        var deliveredAt = board.DeliveredAt ?? board.DeliverAt;
        var lead = $"The board {title} you wrote on was delivered to {board.RecipientName}"
            + (deliveredAt is { } at ? $" on {Words.Date(at, board.TimeZone)}." : ".");
        var cards = writers.Count == 0
            ? $"It has {Words.CountWithArticle(cardCount, "card")}."
            : $"{Words.People(writers)} wrote {Words.CountWithArticle(cardCount, "card")}, gathered by {board.OwnerName}.";
        var (html, text) = EmailLayout.Render(
            subject,
            lead,
            [
                EmailBlock.Greeting(to.Name),
                new EmailBlock.Paragraph(lead),
                new EmailBlock.Paragraph($"{cards} Now you can read every card on it too."),
                new EmailBlock.Small("This link is yours: anyone who has it can read the whole board. Please don't forward this email."),
            ],
            ("Open the board", boardUrl),
            EmailLayout.BecauseContributor(board));
        return new EmailMessage([to], subject, html, text, EmailTypes.ContributorDelivered, boardId.ToString("N"), Priority: EmailPriorities.ContributorDelivered);
    }

    /// <summary>
    /// The recipient's thank-you <paramref name="message"/>, quoted with its line breaks, to the owner
    /// (<paramref name="toOwner"/>) or a contributor.
    /// </summary>
    public static EmailMessage Thanks(Guid boardId, BoardState board, Mailbox to, bool toOwner, string message)
    {
        var title = Words.Quoted(board.Title);
        var subject = $"{board.RecipientName} says thank you";
        var lead = toOwner
            ? $"{board.RecipientName} read the board {title} you made, and wrote back to you and everyone who wrote on it:"
            : $"{board.RecipientName} read the board {title} you wrote on, and wrote back to everyone who did:";
        var (html, text) = EmailLayout.Render(
            subject,
            lead,
            [EmailBlock.Greeting(to.Name), new EmailBlock.Paragraph(lead), new EmailBlock.Quote(message, board.RecipientName)],
            null,
            toOwner ? EmailLayout.BecauseOwner(board) : EmailLayout.BecauseContributor(board));
        return new EmailMessage([to], subject, html, text, EmailTypes.Thanks, boardId.ToString("N"), Priority: EmailPriorities.Thanks);
    }
}
