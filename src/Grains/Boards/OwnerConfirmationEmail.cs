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

    /// <summary>
    /// The confirmation email: when the board was just made, or (<paramref name="due"/>) when its instant has passed and it
    /// waits, sealed, for the confirmation.
    /// </summary>
    public static EmailMessage Compose(Guid boardId, BoardState board, string url, bool due)
    {
        var title = Words.Quoted(board.Title);
        var waiting = board.Waiting.Count(e => e.Email.EmailType == EmailTypes.Invitation);
        var subject = due
            ? $"Action needed: confirm your address to deliver {title}"
            : $"Confirm your address to send your kudos board {title}";
        var lead = due
            ? $"The board {title} for {board.RecipientName} was due on {Words.Date(board.DeliverAt!.Value, board.TimeZone)}, but your address is not confirmed yet. "
              + "It stays sealed, and is delivered as soon as you confirm."
            : $"The board {title} for {board.RecipientName} was created with this address as its owner. "
              + "Until you confirm it, nothing is sent for the board: "
              + (waiting > 0 ? $"{Words.Count(waiting, "invitation")} {(waiting == 1 ? "waits" : "wait")}, and " : "")
              + "the board will not be delivered.";
        var (html, text) = EmailLayout.Render(
            subject,
            lead,
            [
                EmailBlock.Greeting(board.OwnerName),
                new EmailBlock.Paragraph(lead),
                new EmailBlock.Paragraph(
                    $"The link works until {Words.Date(board.OwnerConfirmation!.ExpiresAt, board.TimeZone)}. "
                    + "Confirming also lets this browser create further boards without asking again."),
                new EmailBlock.Small("If you did not create this board, ignore this email: nothing will be sent."),
            ],
            ("Confirm your address", url),
            $"You got this email because someone made the kudos board {title} with this address as its owner.");
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
