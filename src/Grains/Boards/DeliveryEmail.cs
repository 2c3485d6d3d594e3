using Kudos.Grains.Email;

namespace Kudos.Grains.Boards;

/// <summary>Composes the email that tells the recipient their board is ready (through <see cref="EmailLayout"/>).</summary>
public static class DeliveryEmail
{
    /// <summary>The dispatch id of a board's delivery email: deterministic, so a repeated hand-off is a no-op.</summary>
    public static string DispatchId(Guid boardId) => $"board-delivery/{boardId:N}";

    /// <summary>The recipient's link. The key travels in the fragment so it never reaches a server log.</summary>
    public static string RecipientUrl(Uri publicBaseUrl, Guid boardId, string recipientKey) =>
        $"{PublicLinks.Base(publicBaseUrl)}/b/{boardId:N}#k={recipientKey}";

    /// <summary>
    /// The delivery email: who wrote how many cards (the owner named as the one who gathered them, and among the writers
    /// only if they wrote one), the owner's note, and the recipient's personal link. A board delivered without cards (the
    /// owner's choice) reads as the owner's board and note.
    /// </summary>
    public static EmailMessage Compose(Guid boardId, BoardState board, IReadOnlyCollection<CardState> cards, string recipientUrl)
    {
        var writers = Words.Writers(cards);
        var onlyOwner = writers.Count == 1 && string.Equals(writers[0], board.OwnerName, StringComparison.OrdinalIgnoreCase);
        var lead = cards.Count == 0
            ? $"{board.OwnerName} made this board for you: {Words.Quoted(board.Title)}."
            : $"{Words.People(writers)} wrote {Words.CountWithArticle(cards.Count, "card")} for you on the board {Words.Quoted(board.Title)}"
              + (onlyOwner ? "." : $", gathered by {board.OwnerName}.");
        var sealedUntil = board.DeliveredAt ?? board.DeliverAt ?? DateTimeOffset.UtcNow;
        var subject = $"{board.RecipientName}, your kudos board {Words.Quoted(board.Title)} is ready";
        List<EmailBlock> blocks = [EmailBlock.Greeting(board.RecipientName), new EmailBlock.Paragraph(lead)];
        if (!string.IsNullOrWhiteSpace(board.NoteToRecipient))
        {
            blocks.Add(new EmailBlock.Quote(board.NoteToRecipient, board.OwnerName));
        }

        blocks.Add(new EmailBlock.Paragraph($"The board was sealed until {Words.Date(sealedUntil, board.TimeZone)}. Now it is yours, to read as often as you like."));
        blocks.Add(new EmailBlock.Small("This link is personal: anyone who has it can read the board, so keep it to yourself."));
        var (html, text) = EmailLayout.Render(
            subject,
            lead,
            blocks,
            ("Open your board", recipientUrl),
            $"You got this email because {board.OwnerName} made a kudos board for you.");
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
