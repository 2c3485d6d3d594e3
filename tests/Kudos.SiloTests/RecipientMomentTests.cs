using System.Text.RegularExpressions;
using Kudos.Grains;
using Kudos.Grains.Boards;
using Xunit;

namespace Kudos.SiloTests;

/// <summary>
/// What happens around the delivery on a silo with the product's services, PostgreSQL and a real SMTP server: an empty
/// board held or delivered by its policy, a thin board's warning, pictures sealed like text, contributors' receipts and
/// "delivered" emails with their own key, reactions, and the recipient's one thank-you note.
/// </summary>
public sealed partial class RecipientMomentTests(InProcessSilo silo) : IClassFixture<InProcessSilo>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Address(string who) => $"{who}-{Guid.NewGuid():N}@example.test";

    private static readonly TimeSpan MailWait = TimeSpan.FromSeconds(30);

    /// <summary>One period and a half past a step: long enough for a wrongly sent email to arrive.</summary>
    private static TimeSpan Quiet => InProcessSilo.ReminderPeriod * 2;

    private static CreateBoard Board(string recipient, string owner, DateTimeOffset? deliverAt, EmptyBoardPolicy? policy = null, string? note = null) =>
        new("Farewell Ada", "Ada", recipient, "Grace", owner, deliverAt, "Europe/Paris", NoteToRecipient: note, EmptyBoardPolicy: policy);

    [Fact(Timeout = 120_000)]
    public async Task An_empty_board_is_held_at_its_instant_and_its_owner_asked_then_delivered_only_with_confirmation()
    {
        var (recipient, owner) = (Address("ada"), Address("grace"));
        var board = silo.Grains.GetGrain<IBoardGrain>(Guid.NewGuid());
        var created = await board.CreateAsync(Board(recipient, owner, DateTimeOffset.UtcNow.AddSeconds(3), EmptyBoardPolicy.HoldAndAsk), null);

        var asked = Assert.Single(await silo.Smtp.WaitForMessagesAsync(1, MailWait, owner, Ct));
        Assert.Contains("Nobody has written", asked.Subject, StringComparison.Ordinal);
        Assert.Empty(await silo.Smtp.WaitForMessagesAsync(1, Quiet, recipient, Ct));
        var view = await board.GetOwnerViewAsync(created.OwnerKey);
        Assert.Equal((BoardStatus.HeldEmpty, 0), (view.Status, view.CardCount));

        // Posting stays open; "deliver now" on a thin board needs the explicit flag.
        await board.AddCardAsync(created.ContributeKey, new NewCard("Linus", "Late but heartfelt."), null);
        var refused = await Assert.ThrowsAsync<KudosException>(() => board.DeliverNowAsync(created.OwnerKey));
        Assert.Equal("few_cards_unconfirmed", refused.Code);
        Assert.Contains("only 1 card", refused.Detail, StringComparison.Ordinal);

        Assert.Equal(BoardStatus.Delivered, (await board.DeliverNowAsync(created.OwnerKey, confirmFewCards: true)).Status);
        var delivery = Assert.Single(await silo.Smtp.WaitForMessagesAsync(1, MailWait, recipient, Ct));
        var words = Regex.Replace(delivery.Parse().TextBody ?? "", @"\s+", " ");
        Assert.Contains("Linus wrote a card for you", words, StringComparison.Ordinal);
        Assert.DoesNotContain("Grace and", words, StringComparison.Ordinal);
    }

    [Fact(Timeout = 120_000)]
    public async Task An_empty_board_whose_owner_chose_to_deliver_anyway_is_delivered_at_its_instant()
    {
        var (recipient, owner) = (Address("ada"), Address("grace"));
        var board = silo.Grains.GetGrain<IBoardGrain>(Guid.NewGuid());
        var created = await board.CreateAsync(Board(recipient, owner, DateTimeOffset.UtcNow.AddSeconds(3), EmptyBoardPolicy.DeliverAnyway, "Happy retirement, Ada!"), null);

        var delivery = Assert.Single(await silo.Smtp.WaitForMessagesAsync(1, MailWait, recipient, Ct));
        Assert.Contains("Happy retirement, Ada!", delivery.Parse().TextBody ?? "", StringComparison.Ordinal);
        Assert.Equal(BoardStatus.Delivered, (await board.GetOwnerViewAsync(created.OwnerKey)).Status);
        var summary = await board.GetSummaryAsync(created.OwnerKey);
        Assert.Equal(("Happy retirement, Ada!", "Grace", BoardViewer.Owner), (summary.NoteToRecipient, summary.OwnerName, summary.Viewer));
    }

    [Fact(Timeout = 120_000)]
    public async Task The_owner_of_a_thin_board_is_warned_before_its_instant_and_the_owner_of_a_full_one_is_not()
    {
        // The product's lead (48 h): instants just past it make the warnings due in a few seconds.
        var deliverAt = DateTimeOffset.UtcNow + TimeSpan.FromHours(48) + TimeSpan.FromSeconds(5);
        var (thinOwner, fullOwner) = (Address("thin-owner"), Address("full-owner"));
        var thin = silo.Grains.GetGrain<IBoardGrain>(Guid.NewGuid());
        var full = silo.Grains.GetGrain<IBoardGrain>(Guid.NewGuid());
        var thinKeys = await thin.CreateAsync(Board(Address("ada"), thinOwner, deliverAt), null);
        var fullKeys = await full.CreateAsync(Board(Address("ada"), fullOwner, deliverAt), null);
        await thin.AddCardAsync(thinKeys.ContributeKey, new NewCard("Linus", "One card."), null);
        foreach (var author in new[] { "Linus", "Barbara", "Alan" })
        {
            await full.AddCardAsync(fullKeys.ContributeKey, new NewCard(author, "Thank you!"), null);
        }

        var warning = Assert.Single(await silo.Smtp.WaitForMessagesAsync(1, MailWait, thinOwner, Ct));
        var text = warning.Parse().TextBody ?? "";
        Assert.Contains("1 card", text, StringComparison.Ordinal);
        Assert.Contains(Words.Date(deliverAt, "Europe/Paris"), Regex.Replace(text, @"\s+", " "), StringComparison.Ordinal);  // a human date in the board's zone
        Assert.DoesNotMatch(@"\d{4}-\d{2}-\d{2}T", text);
        Assert.Empty(await silo.Smtp.WaitForMessagesAsync(1, Quiet, fullOwner, Ct));

        // Once per instant: no second warning on later steps; the board stays scheduled for its instant.
        Assert.Single(await silo.Smtp.WaitForMessagesAsync(2, Quiet, thinOwner, Ct));
        Assert.Equal(BoardStatus.Scheduled, (await thin.GetOwnerViewAsync(thinKeys.OwnerKey)).Status);
    }

    [Fact(Timeout = 120_000)]
    public async Task Pictures_are_sealed_like_card_text_for_every_key_until_delivery()
    {
        var board = silo.Grains.GetGrain<IBoardGrain>(Guid.NewGuid());
        var created = await board.CreateAsync(Board(Address("ada"), Address("grace"), deliverAt: null), null);
        var linus = await board.AddCardAsync(created.ContributeKey, new NewCard("Linus", "With a picture."), null);
        var barbara = await board.AddCardAsync(created.ContributeKey, new NewCard("Barbara", "Without."), null);
        var png = new byte[] { 0x89, 0x50, 0x4E, 0x47, 1, 2, 3 };
        var image = await board.AddCardImageAsync(linus.CardId, linus.CardKey, new CardImageUpload(png, "image/png", 10, 20));
        Assert.Equal((10, 20, png.Length), (image.Width, image.Height, image.Length));

        // Sealed: the author alone; every other key is answered as for an unknown picture.
        var own = await board.GetCardImageAsync(linus.CardId, image.Id, linus.CardKey);
        Assert.Equal(png, own.Bytes);
        Assert.Equal(("image/png", true), (own.ContentType, own.Sealed));
        foreach (var (who, key) in new[] { ("owner", created.OwnerKey), ("contributors", created.ContributeKey), ("another author", barbara.CardKey), ("nobody", "wrong-key") })
        {
            var refused = await Assert.ThrowsAsync<KudosException>(() => board.GetCardImageAsync(linus.CardId, image.Id, key));
            Assert.True(refused.Kind == KudosErrorKind.NotFound, $"The {who} key read a sealed picture ({refused.Kind}).");
        }

        // A third picture is refused; nothing is added.
        await board.AddCardImageAsync(linus.CardId, linus.CardKey, new CardImageUpload(png, "image/png", 1, 1));
        var full = await Assert.ThrowsAsync<KudosException>(() => board.AddCardImageAsync(linus.CardId, linus.CardKey, new CardImageUpload(png, "image/png", 1, 1)));
        Assert.Equal("card_images_full", full.Code);
        Assert.Equal(2, (await board.GetCardAsync(linus.CardId, linus.CardKey)).Images.Count);

        // Delivered: every reader of the board, still not a stranger; pictures can no longer change.
        var delivered = await board.DeliverNowAsync(created.OwnerKey, confirmFewCards: true);
        var recipientKey = RecipientKey().Match(delivered.Delivery!.RecipientUrl!).Groups["key"].Value;
        foreach (var key in new[] { recipientKey, created.OwnerKey, created.ContributeKey, linus.CardKey })
        {
            var read = await board.GetCardImageAsync(linus.CardId, image.Id, key);
            Assert.Equal(png, read.Bytes);
            Assert.False(read.Sealed);
        }

        await Assert.ThrowsAsync<KudosException>(() => board.GetCardImageAsync(linus.CardId, image.Id, barbara.CardKey));
        var closed = await Assert.ThrowsAsync<KudosException>(() => board.RemoveCardImageAsync(linus.CardId, image.Id, linus.CardKey));
        Assert.Equal("posting_closed", closed.Code);
        var cards = await board.GetCardsAsync(recipientKey);
        Assert.Equal([2, 0], cards.Select(c => c.Images.Count));
    }

    [Fact(Timeout = 120_000)]
    public async Task Contributors_who_leave_an_address_get_a_receipt_then_their_own_key_and_the_recipients_thanks()
    {
        var (recipient, owner, linusAddress, invitee) = (Address("ada"), Address("grace"), Address("linus"), Address("barbara"));
        var board = silo.Grains.GetGrain<IBoardGrain>(Guid.NewGuid());
        var created = await board.CreateAsync(Board(recipient, owner, deliverAt: null) with { ContributorEmails = [invitee] }, null);

        // Linus leaves his address: the receipt's link carries his card's key (only in the fragment) and opens his card.
        var linus = await board.AddCardAsync(created.ContributeKey, new NewCard("Linus", "Thank you for everything.", AuthorEmail: linusAddress), null);
        var receipt = Assert.Single(await silo.Smtp.WaitForMessagesAsync(1, MailWait, linusAddress, Ct));
        var link = CardLink().Match(receipt.Parse().TextBody ?? "");
        Assert.True(link.Success, "No private card link in the receipt.");
        Assert.Equal(linus.CardId.ToString("N"), link.Groups["card"].Value);
        Assert.Equal("Thank you for everything.", (await board.GetCardAsync(linus.CardId, link.Groups["ck"].Value)).Message);

        // Barbara posts through her invitation.
        var invitation = Assert.Single(await silo.Smtp.WaitForMessagesAsync(1, MailWait, invitee, Ct));
        var token = InviteToken().Match(invitation.Parse().TextBody ?? "").Groups["token"].Value;
        await board.AddCardAsync(created.ContributeKey, new NewCard("Barbara", "Congratulations!", token), null);

        var delivered = await board.DeliverNowAsync(created.OwnerKey, confirmFewCards: true);
        var recipientKey = RecipientKey().Match(delivered.Delivery!.RecipientUrl!).Groups["key"].Value;

        // Each contributor with an address gets a "delivered" email with a key of their own: it opens the board and reacts as them.
        var linusDelivered = (await silo.Smtp.WaitForMessagesAsync(2, MailWait, linusAddress, Ct))[1];
        Assert.Equal(2, (await silo.Smtp.WaitForMessagesAsync(2, MailWait, invitee, Ct)).Count);
        var readerKey = RecipientKey().Match(linusDelivered.Parse().TextBody ?? "").Groups["key"].Value;
        Assert.Equal(BoardViewer.Reader, (await board.GetSummaryAsync(readerKey)).Viewer);
        var barbaraCard = (await board.GetCardsAsync(readerKey)).Single(c => c.AuthorName == "Barbara");

        // Reactions: counted per reader, "mine" for the one asking; the shared contribution key cannot react.
        await board.ReactAsync(barbaraCard.Id, recipientKey, "heart", on: true);
        await board.ReactAsync(barbaraCard.Id, recipientKey, "heart", on: true);
        var counts = await board.ReactAsync(barbaraCard.Id, readerKey, "heart", on: true);
        Assert.Equal(new ReactionCount("heart", 2, true), Assert.Single(counts));
        Assert.Equal(new ReactionCount("heart", 2, false), Assert.Single((await board.GetCardsAsync(created.OwnerKey)).Single(c => c.Id == barbaraCard.Id).Reactions));
        var shared = await Assert.ThrowsAsync<KudosException>(() => board.ReactAsync(barbaraCard.Id, created.ContributeKey, "heart", on: true));
        Assert.Equal(KudosErrorKind.Forbidden, shared.Kind);
        var unknown = await Assert.ThrowsAsync<KudosException>(() => board.ReactAsync(barbaraCard.Id, recipientKey, "thumbs-down", on: true));
        Assert.Equal("reaction", unknown.Field);
        var takenBack = await board.ReactAsync(barbaraCard.Id, recipientKey, "heart", on: false);
        Assert.Equal(new ReactionCount("heart", 1, false), Assert.Single(takenBack));

        // The recipient's thanks, once, reach the owner and both contributors; only the recipient's key sends them.
        await Assert.ThrowsAsync<KudosException>(() => board.SendThanksAsync(readerKey, "Not mine to send."));
        var thanks = await board.SendThanksAsync(recipientKey, "Thank you all <3\nI will miss you.");
        Assert.Equal(3, thanks.Recipients);
        var again = await Assert.ThrowsAsync<KudosException>(() => board.SendThanksAsync(recipientKey, "Again"));
        Assert.Equal("thanks_already_sent", again.Code);
        // Linus: receipt, "delivered", thanks; Barbara: invitation, "delivered", thanks; Grace: the owner's "delivered" notice, thanks.
        foreach (var (to, count) in new[] { (linusAddress, 3), (invitee, 3), (owner, 2) })
        {
            var mails = await silo.Smtp.WaitForMessagesAsync(count, MailWait, to, Ct);
            var thankYou = Assert.Single(mails, m => m.Subject!.Contains("thank", StringComparison.OrdinalIgnoreCase));
            Assert.Contains("I will miss you.", thankYou.Parse().TextBody ?? "", StringComparison.Ordinal);
        }

        Assert.Equal("Thank you all <3\nI will miss you.", (await board.GetSummaryAsync(readerKey)).Thanks!.Message);
    }

    [GeneratedRegex(@"#k=(?<key>[A-Za-z0-9_-]{43})")]
    private static partial Regex RecipientKey();

    [GeneratedRegex(@"#k=[A-Za-z0-9_-]{43}&card=(?<card>[0-9a-f]{32})&ck=(?<ck>[A-Za-z0-9_-]{43})")]
    private static partial Regex CardLink();

    [GeneratedRegex(@"#k=[A-Za-z0-9_-]{43}&i=(?<token>[A-Za-z0-9_-]{43})")]
    private static partial Regex InviteToken();
}
