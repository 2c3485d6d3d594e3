using System.Text.RegularExpressions;
using Kudos.Grains.Boards;
using Kudos.Grains.Email;
using Xunit;

namespace Kudos.UnitTests;

/// <summary>The words of every email: who wrote, counts, dates in the board's zone, escaping, and the layout's parts.</summary>
public sealed partial class EmailWordsTests
{
    private const string Link = "https://kudos.example/b/0f8fad5bd9cb469fa16570867728950e#k=KEY&x=1";
    private static readonly Guid BoardId = Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e");
    private static readonly DateTimeOffset DeliverAt = new(2026, 12, 24, 22, 0, 0, TimeSpan.Zero);

    private static BoardState Board(string title = "Farewell Ada") => new()
    {
        Title = title,
        RecipientName = "Margaret",
        RecipientEmail = "margaret@example.com",
        OwnerName = "Grace",
        OwnerEmail = "grace@example.com",
        TimeZone = "America/New_York",
        DeliverAt = DeliverAt,
        DeliveredAt = DeliverAt,
        OwnerConfirmation = new OwnerConfirmationState { ExpiresAt = DeliverAt.AddDays(-1) },
    };

    private static CardState Card(string author, int minute = 0) =>
        new() { Id = Guid.NewGuid(), AuthorName = author, AuthorEmail = $"{author.ToLowerInvariant()}@example.com", CreatedAt = DateTimeOffset.UnixEpoch.AddMinutes(minute) };

    private static DispatchView Outcome(DispatchStatus status, int attempts, string? reply, string? error) =>
        new("board-delivery/x", status, attempts, DeliverAt, DeliverAt, null, status == DispatchStatus.Sent ? DeliverAt : null, reply, error, "id");

    private static readonly DispatchView Refused = Outcome(
        DispatchStatus.Failed, 1, "550 5.1.1 <margaret@example.com>: Recipient address rejected: User unknown", "550 5.1.1 <margaret@example.com>: Recipient address rejected: User unknown");

    private static readonly DispatchView Unreachable = Outcome(DispatchStatus.Failed, 5, "421 4.4.2 try again later", "Gave up after 5 attempts: 421 4.4.2 try again later");

    private static readonly DispatchView Suppressed = Outcome(
        DispatchStatus.Suppressed, 0, null, "margaret@example.com is suppressed (Bounce since 2026-12-01T10:00:00.0000000+00:00: 550 5.1.1 user unknown).");

    /// <summary>Every email the product composes for <paramref name="board"/>, with its link (if it has one) and footer sentence.</summary>
    private static IEnumerable<(string Name, EmailMessage Email, string? Link, string Why)> AllEmails(BoardState board)
    {
        const string ContributorWhy = "You got this email because you wrote a card on \u201c";
        const string OwnerWhy = "You got this email because you made the kudos board \u201c";
        var invitee = new InviteeState { Email = "linus@example.com", InviteUrl = Link, UnsubscribeUrl = "https://kudos.example/u/x/3" };
        var card = Card("Linus");
        var to = new Mailbox("Linus", "linus@example.com");
        yield return ("delivery", DeliveryEmail.Compose(BoardId, board, [Card("Ada"), Card("Linus", 1)], Link), Link, "You got this email because Grace made a kudos board for you.");
        yield return ("delivery-empty", DeliveryEmail.Compose(BoardId, board, [], Link), Link, "You got this email because Grace made a kudos board for you.");
        yield return ("invitation", InvitationEmail.Compose(BoardId, board, invitee, reminder: false, null), Link, "You got this email because Grace invited you to write a card for Margaret.");
        yield return ("reminder", InvitationEmail.Compose(BoardId, board, invitee, reminder: true, null), Link, "You got this email because Grace invited you to write a card for Margaret.");
        yield return ("confirmation", OwnerConfirmationEmail.Compose(BoardId, board, Link, due: false), Link, "You got this email because someone made the kudos board");
        yield return ("confirmation-due", OwnerConfirmationEmail.Compose(BoardId, board, Link, due: true), Link, "You got this email because someone made the kudos board");
        yield return ("notice-sent", OwnerNoticeEmail.Compose(BoardId, board, [Card("Ada")], Outcome(DispatchStatus.Sent, 1, "250 OK queued as 5", null))!, null, OwnerWhy);
        yield return ("notice-refused", OwnerNoticeEmail.Compose(BoardId, board, [], Refused)!, null, OwnerWhy);
        yield return ("notice-unreachable", OwnerNoticeEmail.Compose(BoardId, board, [], Unreachable)!, null, OwnerWhy);
        yield return ("notice-suppressed", OwnerNoticeEmail.Compose(BoardId, board, [], Suppressed)!, null, OwnerWhy);
        yield return ("receipt", CardReceiptEmail.Compose(BoardId, board, card, Link), Link, ContributorWhy);
        yield return ("delivered", ContributorEmails.Delivered(BoardId, board, to, 2, ["Ada", "Linus"], Link), Link, ContributorWhy);
        yield return ("thanks-owner", ContributorEmails.Thanks(BoardId, board, new Mailbox("Grace", "grace@example.com"), toOwner: true, "Thank you!"), null, OwnerWhy);
        yield return ("thanks", ContributorEmails.Thanks(BoardId, board, to, toOwner: false, "Thank you!"), null, ContributorWhy);
        yield return ("few-cards", OwnerWarningEmail.FewCards(BoardId, board, 1, 3, Link), Link, OwnerWhy);
        yield return ("held-empty", OwnerWarningEmail.HeldEmpty(BoardId, board, Link), Link, OwnerWhy);
    }

    [Fact]
    public void The_owner_is_not_counted_among_the_writers_unless_they_wrote()
    {
        var text = DeliveryEmail.Compose(BoardId, Board(), [Card("Ada"), Card("Linus", 1)], Link).TextBody;
        Assert.DoesNotContain("Grace and", text, StringComparison.Ordinal);
        Assert.Contains("Ada and Linus wrote 2 cards for you", text, StringComparison.Ordinal);
        Assert.Contains("gathered by Grace", text, StringComparison.Ordinal);
        Assert.DoesNotContain("people", text, StringComparison.Ordinal);
    }

    [Fact]
    public void An_owner_who_wrote_is_counted_among_the_writers()
    {
        var text = DeliveryEmail.Compose(BoardId, Board(), [Card("Ada"), Card("Grace", 1), Card("Grace", 2)], Link).TextBody;
        Assert.Contains("Ada and Grace wrote 3 cards for you", text, StringComparison.Ordinal);

        var alone = DeliveryEmail.Compose(BoardId, Board(), [Card("Grace")], Link).TextBody;
        Assert.Contains("Grace wrote a card for you", alone, StringComparison.Ordinal);
        Assert.DoesNotContain("gathered by", alone, StringComparison.Ordinal);
    }

    [Fact]
    public void Many_writers_are_named_up_to_two_and_the_rest_counted()
    {
        CardState[] cards = [Card("Ada"), Card("Linus", 1), Card("Kate", 2), Card("Alan", 3), Card("Barbara", 4), Card("Ada", 5)];
        var text = DeliveryEmail.Compose(BoardId, Board(), cards, Link).TextBody;
        Assert.Contains("Ada, Linus and 3 others wrote 6 cards for you", text, StringComparison.Ordinal);
        Assert.Equal("Ada, Linus and Kate", Words.People(["Ada", "Linus", "Kate"]));
    }

    [Fact]
    public void One_card_reads_a_card_and_no_email_says_card_s()
    {
        var delivery = DeliveryEmail.Compose(BoardId, Board(), [Card("Ada")], Link);
        Assert.Contains("Ada wrote a card for you", delivery.TextBody, StringComparison.Ordinal);
        var few = OwnerWarningEmail.FewCards(BoardId, Board(), 1, 3, Link);
        Assert.StartsWith("Only 1 card so far on \u201cFarewell Ada\u201d \u2014 it is delivered on Thursday 24 December 2026 at 17:00", few.Subject, StringComparison.Ordinal);
        foreach (var (name, email, _, _) in AllEmails(Board()))
        {
            foreach (var part in new[] { email.Subject, email.TextBody, email.HtmlBody })
            {
                Assert.False(part.Contains("(s)", StringComparison.Ordinal), $"{name}: {part}");
            }
        }
    }

    [Fact]
    public void A_board_delivered_empty_is_the_owners_with_their_note()
    {
        var board = Board();
        board.NoteToRecipient = "We miss you already.";
        var email = DeliveryEmail.Compose(BoardId, board, [], Link);
        Assert.Contains("Grace made this board for you", email.TextBody, StringComparison.Ordinal);
        Assert.Contains("> We miss you already.", email.TextBody, StringComparison.Ordinal);
        Assert.Contains("We miss you already.", email.HtmlBody, StringComparison.Ordinal);
        Assert.DoesNotContain("0 cards", email.TextBody, StringComparison.Ordinal);
        Assert.DoesNotContain("wrote", email.TextBody, StringComparison.Ordinal);
    }

    [Fact]
    public void Dates_are_shown_in_the_boards_zone()
    {
        const string Local = "Thursday 24 December 2026 at 17:00 (America/New_York)";
        var board = Board();
        Assert.Equal(Local, Words.Date(DeliverAt, board.TimeZone));
        Assert.Contains(Local, DeliveryEmail.Compose(BoardId, board, [Card("Ada")], Link).TextBody, StringComparison.Ordinal);
        Assert.Contains(Local, CardReceiptEmail.Compose(BoardId, board, Card("Ada"), Link).Subject, StringComparison.Ordinal);
        Assert.Contains(Local, InvitationEmail.Compose(BoardId, board, new InviteeState { Email = "a@example.com", InviteUrl = Link, UnsubscribeUrl = Link }, reminder: true, null).Subject, StringComparison.Ordinal);
        Assert.Contains(Local, OwnerWarningEmail.HeldEmpty(BoardId, board, Link).TextBody, StringComparison.Ordinal);
    }

    [Fact]
    public void No_email_shows_an_iso_timestamp()
    {
        foreach (var (name, email, _, _) in AllEmails(Board()))
        {
            foreach (var part in new[] { email.Subject, email.TextBody, email.HtmlBody })
            {
                Assert.False(IsoTimestamp().IsMatch(part), $"{name}: {part}");
            }
        }
    }

    [Fact]
    public void A_title_with_markup_is_escaped_in_every_html_part()
    {
        foreach (var (name, email, _, _) in AllEmails(Board("<script>alert(1)</script> & co")))
        {
            Assert.False(email.HtmlBody.Contains("<script>", StringComparison.Ordinal), $"{name}: {email.HtmlBody}");
            Assert.True(email.HtmlBody.Contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; co", StringComparison.Ordinal), $"{name}: {email.HtmlBody}");
        }
    }

    [Fact]
    public void Every_email_has_a_text_part_with_its_link_and_why_it_was_sent()
    {
        foreach (var (name, email, link, why) in AllEmails(Board()))
        {
            Assert.False(string.IsNullOrWhiteSpace(email.TextBody), name);
            Assert.True(email.TextBody.Contains(why, StringComparison.Ordinal), $"{name}: {email.TextBody}");
            Assert.True(email.HtmlBody.Contains(why.Replace("\u201c", "&#8220;", StringComparison.Ordinal), StringComparison.Ordinal)
                || email.HtmlBody.Contains(why, StringComparison.Ordinal), $"{name}: {email.HtmlBody}");
            Assert.DoesNotContain("<", email.TextBody.Replace("<margaret@example.com>", "", StringComparison.Ordinal), StringComparison.Ordinal);
            Assert.Contains("<html lang=\"en\">", email.HtmlBody, StringComparison.Ordinal);
            Assert.Contains("<meta charset=\"utf-8\">", email.HtmlBody, StringComparison.Ordinal);
            Assert.Equal(BoardId.ToString("N"), email.CorrelationId);
            if (link is not null)
            {
                Assert.True(email.TextBody.Contains($"\n{link}\n", StringComparison.Ordinal), $"{name}: the link is not on its own line:\n{email.TextBody}");
                Assert.Contains("href=\"https://kudos.example/b/0f8fad5bd9cb469fa16570867728950e#k=KEY&amp;x=1\"", email.HtmlBody, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public void The_new_emails_go_after_the_delivery_and_report_no_outcome()
    {
        foreach (var (name, email, _, _) in AllEmails(Board()))
        {
            if (email.EmailType is EmailTypes.CardReceipt or EmailTypes.ContributorDelivered or EmailTypes.Thanks or EmailTypes.OwnerWarning)
            {
                Assert.True(email.Priority > EmailPriorities.Delivery, name);
                Assert.Null(email.OutcomeBoardId);
                Assert.Null(email.BackstopBoardId);
            }
        }
    }

    [Fact]
    public void The_owners_notice_gives_a_reason_in_words_and_the_server_reply_only_as_technical_details()
    {
        var refused = OwnerNoticeEmail.Compose(BoardId, Board(), [], Refused)!;
        var (people, technical) = Split(refused.TextBody);
        Assert.Contains("the recipient's mail server refused the address", people, StringComparison.Ordinal);
        Assert.DoesNotContain("550", people, StringComparison.Ordinal);
        Assert.DoesNotContain("Recipient address rejected", people, StringComparison.Ordinal);
        Assert.DoesNotContain(nameof(DispatchStatus.Failed), people, StringComparison.Ordinal);
        Assert.Contains("550 5.1.1", technical, StringComparison.Ordinal);
        var (peopleHtml, technicalHtml) = Split(refused.HtmlBody);
        Assert.DoesNotContain("550", peopleHtml, StringComparison.Ordinal);
        Assert.Contains("550 5.1.1", technicalHtml, StringComparison.Ordinal);
        Assert.DoesNotContain("550", refused.Subject, StringComparison.Ordinal);

        var unreachable = OwnerNoticeEmail.Compose(BoardId, Board(), [], Unreachable)!;
        (people, technical) = Split(unreachable.TextBody);
        Assert.Contains("we could not reach the recipient's mail server after 5 attempts", people, StringComparison.Ordinal);
        Assert.DoesNotContain("421", people, StringComparison.Ordinal);
        Assert.Contains("421 4.4.2", technical, StringComparison.Ordinal);

        var suppressed = OwnerNoticeEmail.Compose(BoardId, Board(), [], Suppressed)!;
        (people, technical) = Split(suppressed.TextBody);
        Assert.DoesNotContain("Suppressed", people, StringComparison.Ordinal);
        Assert.Contains("Error: margaret@example.com is suppressed (Bounce since Tuesday 1 December 2026 at 05:00 (America/New_York)", technical, StringComparison.Ordinal);

        var sent = OwnerNoticeEmail.Compose(BoardId, Board(), [Card("Ada")], Outcome(DispatchStatus.Sent, 1, "250 OK queued as 5", null))!;
        Assert.DoesNotContain("250 OK", sent.TextBody + sent.HtmlBody, StringComparison.Ordinal);
        Assert.DoesNotContain("Technical details", sent.TextBody, StringComparison.Ordinal);
        Assert.Contains("Margaret has received the board \u201cFarewell Ada\u201d with a card on Thursday 24 December 2026 at 17:00", sent.TextBody, StringComparison.Ordinal);

        static (string People, string Technical) Split(string body)
        {
            var at = body.IndexOf("Technical details", StringComparison.Ordinal);
            Assert.True(at > 0, body);
            return (body[..at], body[at..]);
        }
    }

    [Fact]
    public void The_receipts_card_link_carries_its_keys_only_in_the_fragment()
    {
        var cardId = Guid.Parse("7c9e6679-7425-40de-944b-e07fc1f90ae7");
        var url = CardReceiptEmail.CardUrl(new Uri("https://kudos.example/app/"), BoardId, "CONTRIB", cardId, "CARDKEY");
        Assert.Equal("https://kudos.example/app/c/0f8fad5bd9cb469fa16570867728950e#k=CONTRIB&card=7c9e6679742540de944be07fc1f90ae7&ck=CARDKEY", url);
        var beforeFragment = url[..url.IndexOf('#', StringComparison.Ordinal)];
        Assert.DoesNotContain("CONTRIB", beforeFragment, StringComparison.Ordinal);
        Assert.DoesNotContain("CARDKEY", beforeFragment, StringComparison.Ordinal);
        Assert.Equal("card-receipt/0f8fad5bd9cb469fa16570867728950e/7c9e6679742540de944be07fc1f90ae7", CardReceiptEmail.DispatchId(BoardId, cardId));

        var receipt = CardReceiptEmail.Compose(BoardId, Board(), Card("Linus"), url);
        Assert.Equal(new Mailbox("Linus", "linus@example.com"), Assert.Single(receipt.To));
        Assert.StartsWith("Your card for Margaret is sealed until Thursday 24 December 2026 at 17:00", receipt.Subject, StringComparison.Ordinal);
        Assert.Contains("personal", receipt.TextBody, StringComparison.Ordinal);

        var undated = Board();
        undated.DeliverAt = null;
        Assert.Equal("Your card for Margaret is sealed until Grace picks a day", CardReceiptEmail.Compose(BoardId, undated, Card("Linus"), url).Subject);
    }

    [Fact]
    public void The_thanks_quotes_the_recipients_message_escaped_with_its_line_breaks()
    {
        const string Message = "Thank you <3 & all\nSee you soon";
        var to = new Mailbox("Linus", "linus@example.com");
        var email = ContributorEmails.Thanks(BoardId, Board(), to, toOwner: false, Message);
        Assert.Equal("Margaret says thank you", email.Subject);
        Assert.Contains("Thank you &lt;3 &amp; all<br>See you soon", email.HtmlBody, StringComparison.Ordinal);
        Assert.DoesNotContain("<3", email.HtmlBody, StringComparison.Ordinal);
        Assert.Contains("> Thank you <3 & all\n> See you soon\n", email.TextBody, StringComparison.Ordinal);
        Assert.Contains("because you wrote a card", email.TextBody, StringComparison.Ordinal);
        var owner = ContributorEmails.Thanks(BoardId, Board(), new Mailbox("Grace", "grace@example.com"), toOwner: true, Message);
        Assert.Contains("because you made the kudos board", owner.TextBody, StringComparison.Ordinal);
    }

    [Fact]
    public void Contributor_ids_hide_the_address_and_ignore_its_case()
    {
        var delivered = ContributorEmails.DeliveredId(BoardId, "Linus@Example.com ");
        Assert.Equal(delivered, ContributorEmails.DeliveredId(BoardId, "linus@example.com"));
        Assert.DoesNotContain("linus", delivered, StringComparison.OrdinalIgnoreCase);
        Assert.Matches("^[a-z-]+/0f8fad5bd9cb469fa16570867728950e/[0-9a-f]{16}$", delivered);
        var thanks = ContributorEmails.ThanksId(BoardId, "linus@example.com");
        Assert.NotEqual(delivered, thanks);
        Assert.NotEqual(thanks, ContributorEmails.ThanksId(BoardId, "ada@example.com"));
    }

    [Fact]
    public void The_owner_warnings_say_what_the_owner_can_do()
    {
        var board = Board();
        Assert.NotEqual(OwnerWarningEmail.FewCardsId(BoardId, DeliverAt), OwnerWarningEmail.FewCardsId(BoardId, DeliverAt.AddDays(1)));
        Assert.NotEqual(OwnerWarningEmail.FewCardsId(BoardId, DeliverAt), OwnerWarningEmail.HeldEmptyId(BoardId, DeliverAt));
        var empty = OwnerWarningEmail.FewCards(BoardId, board, 0, 3, Link);
        Assert.Contains("we hold the board", empty.TextBody, StringComparison.Ordinal);
        Assert.Contains("Invite more people", empty.TextBody, StringComparison.Ordinal);
        Assert.Contains("Move the delivery date", empty.TextBody, StringComparison.Ordinal);
        var held = OwnerWarningEmail.HeldEmpty(BoardId, board, Link);
        Assert.Equal("Nobody has written on \u201cFarewell Ada\u201d yet \u2014 we did not send it", held.Subject);
        Assert.Contains("deliver it anyway", held.TextBody, StringComparison.Ordinal);
        Assert.Equal("https://kudos.example/app/o/0f8fad5bd9cb469fa16570867728950e", PublicLinks.OwnerPage(new Uri("https://kudos.example/app/"), BoardId));
    }

    [GeneratedRegex(@"\d{4}-\d{2}-\d{2}T")]
    private static partial Regex IsoTimestamp();
}
