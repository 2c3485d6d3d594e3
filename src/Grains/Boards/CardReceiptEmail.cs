using Kudos.Grains.Email;

namespace Kudos.Grains.Boards;

/// <summary>A contributor's receipt for their card (sent when they left an address): until when it is sealed, and its link.</summary>
public static class CardReceiptEmail
{
    /// <summary>One receipt per card.</summary>
    public static string DispatchId(Guid boardId, Guid cardId) => $"card-receipt/{boardId:N}/{cardId:N}";

    /// <summary>The card's personal link; the contribution key and the card's key travel only in the fragment.</summary>
    public static string CardUrl(Uri publicBaseUrl, Guid boardId, string contributeKey, Guid cardId, string cardKey) =>
        $"{PublicLinks.Base(publicBaseUrl)}/c/{boardId:N}#k={contributeKey}&card={cardId:N}&ck={cardKey}";

    /// <summary>The receipt to <paramref name="card"/>'s author, who must have left an address.</summary>
    public static EmailMessage Compose(Guid boardId, BoardState board, CardState card, string cardUrl)
    {
        var address = card.AuthorEmail ?? throw new ArgumentException("The card's author left no address.", nameof(card));
        var until = board.DeliverAt is { } at ? Words.Date(at, board.TimeZone) : $"{board.OwnerName} picks a day";
        var subject = $"Your card for {board.RecipientName} is sealed until {until}";
        var lead = $"Thank you for writing a card for {board.RecipientName} on the board {Words.Quoted(board.Title)}. "
            + $"It is sealed until {until}: nobody can read it before then, not even {board.OwnerName}.";
        var (html, text) = EmailLayout.Render(
            subject,
            lead,
            [
                EmailBlock.Greeting(card.AuthorName),
                new EmailBlock.Paragraph(lead),
                new EmailBlock.Paragraph("Open your card to read it or edit it until then, on any device."),
                new EmailBlock.Small("This link is personal: anyone who has it can read and change your card. Please don't forward this email."),
            ],
            ("Open your card", cardUrl),
            EmailLayout.BecauseContributor(board));
        return new EmailMessage(
            [new Mailbox(card.AuthorName, address)],
            subject,
            html,
            text,
            EmailTypes.CardReceipt,
            boardId.ToString("N"),
            Priority: EmailPriorities.CardReceipt);
    }
}
