using Kudos.Grains.Email;

namespace Kudos.Grains.Boards;

/// <summary>The owner's warnings about a board with too few cards: before its instant, and when it was held empty.</summary>
public static class OwnerWarningEmail
{
    /// <summary>One "few cards" warning per board and delivery instant (a moved instant may warn again).</summary>
    public static string FewCardsId(Guid boardId, DateTimeOffset deliverAt) => $"board-few-cards/{boardId:N}/{deliverAt.ToUnixTimeSeconds()}";

    /// <summary>One "held empty" email per board and delivery instant.</summary>
    public static string HeldEmptyId(Guid boardId, DateTimeOffset deliverAt) => $"board-held-empty/{boardId:N}/{deliverAt.ToUnixTimeSeconds()}";

    /// <summary>
    /// Warns the owner that the board has <paramref name="cardCount"/> cards, fewer than <paramref name="threshold"/>, before
    /// its instant, and says what they can do; <paramref name="ownerUrl"/> is their board page.
    /// </summary>
    public static EmailMessage FewCards(Guid boardId, BoardState board, int cardCount, int threshold, string ownerUrl)
    {
        var title = Words.Quoted(board.Title);
        var when = board.DeliverAt is { } at ? $"on {Words.Date(at, board.TimeZone)}" : "once you pick a day";
        var subject = cardCount == 0
            ? $"No cards yet on {title} \u2014 it is delivered {when}"
            : $"Only {Words.Count(cardCount, "card")} so far on {title} \u2014 it is delivered {when}";
        var lead = cardCount == 0
            ? $"Nobody has written on the board {title} for {board.RecipientName} yet, and it is delivered {when}."
            : $"The board {title} for {board.RecipientName} has only {Words.Count(cardCount, "card")} so far "
              + $"(fewer than {Words.Count(threshold, "card")}), and it is delivered {when}.";
        var ifEmpty = board.EmptyBoardPolicy == EmptyBoardPolicy.HoldAndAsk
            ? $"If nobody has written by then, we hold the board and ask you what to do: {board.RecipientName} does not get an empty board."
            : $"If nobody has written by then, {board.RecipientName} gets the board anyway, with your note if you wrote one.";
        List<string> choices =
        [
            "Invite more people: add their addresses on your board page, or send them the board's contribution link.",
            "Move the delivery date to give people more time.",
        ];
        if (cardCount == 0)
        {
            choices.Add(ifEmpty);
        }

        var (html, text) = EmailLayout.Render(
            subject,
            lead,
            [EmailBlock.Greeting(board.OwnerName), new EmailBlock.Paragraph(lead), new EmailBlock.Paragraph("What you can do:"), new EmailBlock.Bullets(choices)],
            ("Open your board page", ownerUrl),
            EmailLayout.BecauseOwner(board));
        return Message(boardId, board, subject, html, text);
    }

    /// <summary>Tells the owner the board came to its instant with no cards and was held, with their choices.</summary>
    public static EmailMessage HeldEmpty(Guid boardId, BoardState board, string ownerUrl)
    {
        var title = Words.Quoted(board.Title);
        var subject = $"Nobody has written on {title} yet \u2014 we did not send it";
        var lead = $"The board {title} was due to reach {board.RecipientName}"
            + (board.DeliverAt is { } at ? $" on {Words.Date(at, board.TimeZone)}" : "")
            + $", but it has no cards, so we held it: {board.RecipientName} has received nothing.";
        var (html, text) = EmailLayout.Render(
            subject,
            lead,
            [
                EmailBlock.Greeting(board.OwnerName),
                new EmailBlock.Paragraph(lead),
                new EmailBlock.Paragraph("The board stays open for cards. On your board page you can:"),
                new EmailBlock.Bullets(
                [
                    "pick a new date, and invite people to write before then;",
                    "invite people to write a card;",
                    $"deliver it anyway: {board.RecipientName} gets the board with your note, if you wrote one.",
                ]),
            ],
            ("Open your board page", ownerUrl),
            EmailLayout.BecauseOwner(board));
        return Message(boardId, board, subject, html, text);
    }

    private static EmailMessage Message(Guid boardId, BoardState board, string subject, string html, string text) =>
        new([new Mailbox(board.OwnerName, board.OwnerEmail)], subject, html, text, EmailTypes.OwnerWarning, boardId.ToString("N"), Priority: EmailPriorities.OwnerWarning);
}
