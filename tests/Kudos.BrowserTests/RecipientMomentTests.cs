using System.Globalization;
using System.Text.RegularExpressions;
using Kudos.BrowserTests.Infrastructure;
using Kudos.Testing;
using Microsoft.Playwright;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace Kudos.BrowserTests;

/// <summary>
/// The recipient's moment in Chromium: the reveal, the owner's note, the masonry wall with pictures, reactions and the
/// thank-you note that reaches the owner and the contributors who left an address; the 404 page; reduced motion.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed partial class RecipientMomentTests(BrowserFixture fixture)
{
    private const string Note = "Ada, the team wanted you to know how much your work meant to us.\nOpen it slowly.";
    private const string AlanText = "The engine and its notes changed how we all think. Here are two pictures from the lab day!";
    private const string KatherineText = "Thank you.";
    private const string ThanksText = "I am speechless. Thank you all, truly.";

    [Fact(Timeout = 240_000)]
    public async Task The_recipient_opens_the_board_with_pictures_reacts_and_her_thanks_reach_the_owner_and_the_contributors_with_an_address()
    {
        var ct = TestContext.Current.CancellationToken;
        var stack = fixture.Stack;
        var recipient = Boards.UniqueAddress("ada");
        var ownerEmail = Boards.UniqueAddress("grace");
        var katherineEmail = Boards.UniqueAddress("katherine");

        // 1. The owner creates the board in the form, with a note to the recipient.
        var owner = await fixture.NewPageAsync();
        var ownerWatch = new PageWatch(owner);
        await owner.GotoAsync("/");
        var paris = TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris");
        var day = TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, paris).AddDays(1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        await owner.GetByLabel("Title").FillAsync("Thank you, Ada");
        await owner.GetByLabel("Recipient's name").FillAsync("Ada Lovelace");
        await owner.GetByLabel("Recipient's email").FillAsync(recipient);
        await owner.GetByLabel("Your name").FillAsync("Grace");
        await owner.GetByLabel("Your email").FillAsync(ownerEmail);
        await Expect(owner.Locator("label[for=noteToRecipient]")).ToContainTextAsync("Note to Ada Lovelace");
        await owner.GetByLabel("Note to Ada Lovelace").FillAsync(Note);
        await Expect(owner.GetByLabel("Hold it and ask me")).ToBeCheckedAsync();
        await owner.GetByLabel("Day").FillAsync(day);
        await owner.GetByLabel("Time", new() { Exact = true }).FillAsync("18:30");
        await owner.GetByRole(AriaRole.Button, new() { Name = "Create the board" }).ClickAsync();
        await owner.WaitForURLAsync(OwnerUrl());
        await Expect(owner.Locator("#title")).ToHaveTextAsync("Thank you, Ada");
        await Expect(owner.GetByLabel("Note to Ada Lovelace")).ToHaveValueAsync(Note);
        var contributeLink = await owner.Locator("#contribute-link").InputValueAsync();

        // 2. Alan posts with two pictures; they are uploaded once the card exists and shown back with his card key.
        var alan = await fixture.NewPageAsync();
        var alanWatch = new PageWatch(alan);
        await alan.GotoAsync(contributeLink);
        await alan.GetByLabel("Your name").FillAsync("Alan");
        await alan.GetByLabel("Your message").FillAsync(AlanText);
        await alan.Locator("#pictures").SetInputFilesAsync(
        [
            new FilePayload { Name = "lab-day.png", MimeType = "image/png", Buffer = TestPictures.Png(48, 32, 0x5b, 0x3e, 0xe0) },
            new FilePayload { Name = "engine.png", MimeType = "image/png", Buffer = TestPictures.Png(32, 40, 0xe0, 0x7a, 0x3e) },
        ]);
        await Expect(alan.Locator("#picture-previews li")).ToHaveCountAsync(2);
        await alan.GetByRole(AriaRole.Button, new() { Name = "Seal my card" }).ClickAsync();
        await Expect(alan.Locator("#notice")).ToContainTextAsync("Your card is sealed");
        await Expect(alan.Locator("#notice")).Not.ToContainTextAsync("could not");
        await AssertPicturesLoadedAsync(alan, "#own-cards .card", 2);
        await Expect(alan.Locator("#own-cards .card").GetByRole(AriaRole.Button, new() { Name = "Remove picture 1 of 2 from Alan" })).ToBeVisibleAsync();
        await Expect(alan.Locator("#picture-previews li")).ToHaveCountAsync(0);

        // He removes the second picture and puts it back from the edit view; a broken file is refused by the server, and
        // its words show next to the picker while the card stays as it was.
        var ownCard = alan.Locator("#own-cards .card");
        await ownCard.GetByRole(AriaRole.Button, new() { Name = "Remove picture 2 of 2 from Alan" }).ClickAsync();
        await alan.Locator("#confirm-yes").ClickAsync();
        await Expect(ownCard.Locator(".picture")).ToHaveCountAsync(1);
        await alan.GetByRole(AriaRole.Button, new() { Name = "Edit your card" }).ClickAsync();
        var addPicture = alan.Locator("#own-cards form input[type=file]");
        await addPicture.SetInputFilesAsync(new FilePayload { Name = "broken.png", MimeType = "image/png", Buffer = "not a picture at all"u8.ToArray() });
        await alan.GetByRole(AriaRole.Button, new() { Name = "Save changes" }).ClickAsync();
        await Expect(alan.Locator("#own-cards form [data-error-for=pictures]")).ToContainTextAsync("\"broken.png\": ");
        await alan.GetByRole(AriaRole.Button, new() { Name = "Remove broken.png" }).ClickAsync();
        await addPicture.SetInputFilesAsync(new FilePayload { Name = "engine.png", MimeType = "image/png", Buffer = TestPictures.Png(32, 40, 0xe0, 0x7a, 0x3e) });
        await alan.GetByRole(AriaRole.Button, new() { Name = "Save changes" }).ClickAsync();
        await Expect(alan.Locator("#notice")).ToContainTextAsync("Your card was updated");
        await AssertPicturesLoadedAsync(alan, "#own-cards .card", 2);

        // A file that is not a picture is refused in the page, before any request.
        await alan.Locator("#pictures").SetInputFilesAsync(new FilePayload { Name = "notes.txt", MimeType = "text/plain", Buffer = "hello"u8.ToArray() });
        await Expect(alan.Locator("#pictures-error")).ToContainTextAsync("choose a JPEG, PNG, WebP or GIF file");
        await Expect(alan.Locator("#picture-previews li")).ToHaveCountAsync(0);

        // 3. Katherine writes a one-line card and leaves her address.
        var katherine = await fixture.NewPageAsync();
        await katherine.GotoAsync(contributeLink);
        await katherine.GetByLabel("Your name").FillAsync("Katherine");
        await katherine.GetByLabel("Your message").FillAsync(KatherineText);
        await katherine.GetByLabel("Your email").FillAsync(katherineEmail);
        await katherine.GetByRole(AriaRole.Button, new() { Name = "Seal my card" }).ClickAsync();
        await Expect(katherine.Locator("#own-cards .card .message")).ToHaveTextAsync(KatherineText);

        // Her receipt's link opens her card in another browser (it adopts the card key), then drops the key from the address.
        var receipt = await MailContainingAsync(stack, katherineEmail, "/c/", ct);
        var cardLink = CardLink().Match(receipt.Parse().TextBody ?? "");
        Assert.True(cardLink.Success, $"No card link in the receipt:\n{receipt.Parse().TextBody}");
        var elsewhere = await fixture.NewPageAsync();
        await elsewhere.GotoAsync(cardLink.Value);
        await Expect(elsewhere.Locator("#own-cards .card .message")).ToHaveTextAsync(KatherineText);
        await Expect(elsewhere.GetByRole(AriaRole.Button, new() { Name = "Edit your card" })).ToBeVisibleAsync();
        await elsewhere.WaitForURLAsync(new Regex("/c/[0-9a-f]{32}#k=[A-Za-z0-9_-]{43}$"));

        // 4. The owner delivers now, confirming in the page's dialog, worded with the count (fewer cards than the threshold, 3).
        await owner.ReloadAsync();
        await Expect(owner.Locator("#card-count")).ToHaveTextAsync("2 cards");
        await owner.GetByRole(AriaRole.Button, new() { Name = "Deliver now" }).ClickAsync();
        await Expect(owner.Locator("#confirm")).ToBeVisibleAsync();
        await Expect(owner.Locator("#confirm-message")).ToContainTextAsync("This board has only 2 cards. Deliver it anyway?");
        await owner.Locator("#confirm-yes").ClickAsync();
        await Expect(owner.Locator("#status")).ToHaveTextAsync("Delivered");

        // 5. The recipient opens the emailed link: the cover first, then the note and the cards.
        var link = await Boards.RecipientLinkFromEmailAsync(stack, recipient, ct);
        await Expect(owner.Locator("#delivery-summary")).ToContainTextAsync("Sent to Ada Lovelace's mail server");
        await Expect(owner.Locator("#delivery-technical")).Not.ToHaveAttributeAsync("open", "");

        var ada = await fixture.NewPageAsync();
        var adaWatch = new PageWatch(ada);
        await ada.GotoAsync(link);
        await Expect(ada.Locator("#reveal")).ToBeVisibleAsync();
        await Expect(ada.Locator("#reveal-title")).ToHaveTextAsync("Thank you, Ada");
        await Expect(ada.Locator("#reveal-from")).ToHaveTextAsync("2 cards are waiting inside.");
        await Expect(ada.Locator("#board")).ToBeHiddenAsync();
        await Screens.CaptureAsync(ada, "recipient-reveal", Screens.TallDesktop);
        await ada.GetByRole(AriaRole.Button, new() { Name = "Open" }).ClickAsync();

        await Expect(ada.Locator("#reveal")).ToBeHiddenAsync();
        await Expect(ada.Locator("#board-title")).ToBeFocusedAsync();
        await Expect(ada.Locator("#note-text")).ToHaveTextAsync(Note);
        await Expect(ada.Locator("#note-by")).ToHaveTextAsync("— Grace");
        await Expect(ada.Locator("#from")).ToHaveTextAsync("2 cards from Alan and Katherine");
        var alanCard = ada.Locator(".card", new() { HasText = AlanText });
        var katherineCard = ada.Locator(".card", new() { HasText = KatherineText });
        await Expect(alanCard).ToBeVisibleAsync();
        await Expect(katherineCard).ToBeVisibleAsync();
        await AssertPicturesLoadedAsync(ada, "#cards .card:has(.pictures)", 2);
        await Expect(alanCard.Locator("img").First).ToHaveAttributeAsync("alt", "Picture 1 of 2 from Alan");
        Assert.StartsWith("blob:", await alanCard.Locator("img").First.GetAttributeAsync("src") ?? "", StringComparison.Ordinal);

        // No timestamps on this page, and the one-line card is not stretched to the long card's height.
        await Expect(ada.Locator("#cards time")).ToHaveCountAsync(0);
        await Expect(ada.Locator("#cards")).Not.ToContainTextAsync("edited");
        var shortBox = await katherineCard.BoundingBoxAsync();
        var longBox = await alanCard.BoundingBoxAsync();
        Assert.True(shortBox is not null && longBox is not null && shortBox.Height < longBox.Height / 2,
            $"The one-line card is {shortBox?.Height} px tall beside a {longBox?.Height} px card: it is stretched.");

        // 6. A reaction: a toggle button, the count visible at once.
        var heart = alanCard.Locator("button[data-reaction=heart]");
        await Expect(heart).ToHaveAttributeAsync("aria-pressed", "false");
        await Expect(alanCard.Locator("button.reaction")).ToHaveCountAsync(6);
        await heart.ClickAsync();
        await Expect(heart).ToHaveAttributeAsync("aria-pressed", "true");
        await Expect(heart).ToHaveTextAsync("❤️1");
        await Expect(heart).ToHaveAttributeAsync("aria-label", "Love (1)");

        await Screens.CaptureAsync(ada, "recipient-revealed", Screens.TallDesktop);

        // 7. The thank-you note, sent once.
        await ada.GetByLabel("Your thank-you note").FillAsync(ThanksText);
        await ada.GetByRole(AriaRole.Button, new() { Name = "Send my thanks" }).ClickAsync();
        await Expect(ada.Locator("#thanks-when")).ToContainTextAsync("You sent your thanks on ");
        await Expect(ada.Locator("#thanks-text")).ToHaveTextAsync(ThanksText);
        await Expect(ada.Locator("#thanks-form")).ToBeHiddenAsync();
        await Screens.CaptureAsync(ada, "recipient-thanked", Screens.TallDesktop);

        // A second visit goes straight to the cards (the cover is remembered), with the reaction and the thanks kept.
        await ada.ReloadAsync();
        await Expect(alanCard).ToBeVisibleAsync();
        await Expect(ada.Locator("#reveal")).ToBeHiddenAsync();
        await Expect(heart).ToHaveAttributeAsync("aria-pressed", "true");
        await Expect(ada.Locator("#thanks-when")).ToContainTextAsync("You sent your thanks on ");
        await Expect(ada.Locator("#thanks-form")).ToBeHiddenAsync();

        // 8. The thanks reach the owner and Katherine (who left her address); the owner's page shows them too.
        var toOwner = await MailContainingAsync(stack, ownerEmail, ThanksText, ct);
        var toKatherine = await MailContainingAsync(stack, katherineEmail, ThanksText, ct);
        Assert.Contains("Ada Lovelace", toOwner.Parse().TextBody ?? "", StringComparison.Ordinal);
        Assert.Contains("Ada Lovelace", toKatherine.Parse().TextBody ?? "", StringComparison.Ordinal);
        await owner.ReloadAsync();
        await Expect(owner.Locator("#owner-thanks-text")).ToHaveTextAsync(ThanksText);
        await Expect(owner.Locator("#owner-thanks-heading")).ToHaveTextAsync("A thank-you from Ada Lovelace");

        // The owner's emails link to /o/{id} without a key: the browser that created the board opens it with the keys it kept.
        var boardId = Guid.Parse(OwnerUrl().Match(owner.Url).Groups["id"].Value);
        await owner.GotoAsync($"/o/{boardId:N}");
        await Expect(owner.Locator("#owner-thanks-text")).ToHaveTextAsync(ThanksText);
        await owner.WaitForURLAsync(new Regex($"/o/{boardId:N}#k=[A-Za-z0-9_-]{{43}}&c=[A-Za-z0-9_-]{{43}}$"));
        var stranger = await fixture.NewPageAsync();
        await stranger.GotoAsync($"/o/{boardId:N}");
        await Expect(stranger.Locator("#notice")).ToContainTextAsync("This page needs its key");

        // Print: the cover, the buttons and the forms stay off paper; the cards print in two columns with their pictures.
        await ada.EmulateMediaAsync(new PageEmulateMediaOptions { Media = Media.Print });
        Assert.Equal("2", await ada.EvaluateAsync<string>("() => getComputedStyle(document.querySelector('.card-wall')).columnCount"));
        await Expect(ada.Locator("#print")).ToBeHiddenAsync();
        await Expect(ada.Locator("#thanks")).ToBeHiddenAsync();
        await Expect(alanCard.Locator("img").First).ToBeVisibleAsync();
        await ada.EmulateMediaAsync(new PageEmulateMediaOptions { Media = Media.Screen });

        Assert.Empty(ownerWatch.Events);
        Assert.Empty(alanWatch.Events);
        Assert.Empty(adaWatch.Events);
    }

    [Fact(Timeout = 180_000)]
    public async Task An_unknown_address_shows_the_not_found_page_and_the_api_keeps_answering_json()
    {
        var ct = TestContext.Current.CancellationToken;
        var page = await fixture.NewPageAsync();
        var watch = new PageWatch(page);

        var response = await page.GotoAsync("/nope");
        Assert.NotNull(response);
        Assert.Equal(404, response.Status);
        Assert.StartsWith("text/html", await response.HeaderValueAsync("content-type") ?? "", StringComparison.Ordinal);
        Assert.Contains("script-src 'self'", await response.HeaderValueAsync("content-security-policy") ?? "", StringComparison.Ordinal);
        await Expect(page.Locator("header.site .brand")).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "This page does not exist" })).ToBeVisibleAsync();
        await Screens.CaptureAsync(page, "not-found");
        await page.GetByRole(AriaRole.Link, new() { Name = "Go to the home page" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Create the board" })).ToBeVisibleAsync();

        // A deeper unknown page path too; API paths keep their JSON problem, even for a browser.
        var deep = await page.GotoAsync("/o/not-a-board/at-all");
        Assert.Equal(404, deep!.Status);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "This page does not exist" })).ToBeVisibleAsync();
        // API paths are never the site's page, even for a browser; an API client gets its JSON problem.
        var api = await page.GotoAsync("/api/nope");
        Assert.NotNull(api);
        Assert.Equal(404, api.Status);
        Assert.DoesNotContain("text/html", await api.HeaderValueAsync("content-type") ?? "", StringComparison.Ordinal);
        Assert.DoesNotContain("This page does not exist", await api.TextAsync(), StringComparison.Ordinal);

        foreach (var accept in new[] { "application/json", "application/json, text/html" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/nope");
            request.Headers.Accept.ParseAdd(accept);
            using var answer = await fixture.Stack.Http.SendAsync(request, ct);
            Assert.Equal(System.Net.HttpStatusCode.NotFound, answer.StatusCode);
            Assert.Equal("application/problem+json", answer.Content.Headers.ContentType?.MediaType);
            Assert.Contains("\"status\":404", await answer.Content.ReadAsStringAsync(ct), StringComparison.Ordinal);
        }

        Assert.Empty(watch.Events);
    }

    [Fact(Timeout = 180_000)]
    public async Task With_reduced_motion_the_cards_appear_at_once_without_the_reveal()
    {
        var ct = TestContext.Current.CancellationToken;
        var recipient = Boards.UniqueAddress("calm");
        var board = await Boards.CreateAsync(fixture.Stack, "A calm board", recipient, ct);
        await AddCardAsync(fixture.Stack, board, "Alan", "Quietly: thank you.", ct);
        await Boards.DeliverNowAsync(fixture.Stack, board, ct);
        var link = await Boards.RecipientLinkFromEmailAsync(fixture.Stack, recipient, ct);

        var page = await fixture.NewPageAsync();
        var watch = new PageWatch(page);
        await page.EmulateMediaAsync(new PageEmulateMediaOptions { ReducedMotion = ReducedMotion.Reduce });
        await page.GotoAsync(link);
        await Expect(page.Locator(".card")).ToBeVisibleAsync();
        await Expect(page.Locator(".card .message")).ToHaveTextAsync("Quietly: thank you.");
        await Expect(page.Locator("#reveal")).ToBeHiddenAsync();
        Assert.Equal("none", await page.EvaluateAsync<string>("() => getComputedStyle(document.querySelector('.card')).animationName"));
        Assert.Equal(0, await page.EvaluateAsync<int>("() => document.getAnimations().length"));
        await Expect(page.Locator("#from")).ToHaveTextAsync("1 card from Alan");
        Assert.Empty(watch.Events);
    }

    [Fact(Timeout = 180_000)]
    public async Task A_board_nobody_wrote_on_is_held_and_the_owner_is_told_what_to_do_and_asked_before_delivering_it()
    {
        var ct = TestContext.Current.CancellationToken;
        var stack = fixture.Stack;
        var recipient = Boards.UniqueAddress("held");
        var body = new
        {
            title = "A quiet board",
            recipientName = "Ada Lovelace",
            recipientEmail = recipient,
            ownerName = "Grace",
            ownerEmail = Boards.UniqueAddress("grace"),
            deliverAt = DateTimeOffset.UtcNow.AddSeconds(3).ToString("O"),
            timeZone = "Europe/Paris",
            noteToRecipient = "Even without cards: thank you.",
            emptyBoardPolicy = "HoldAndAsk", // the test stack's default is DeliverAnyway
        };
        using var created = await stack.Http.SendAsync(stack.Request(HttpMethod.Post, "/api/boards", json: body), ct);
        var text = await created.Content.ReadAsStringAsync(ct);
        Assert.True(created.IsSuccessStatusCode, text);
        var board = System.Text.Json.JsonSerializer.Deserialize<CreatedBoard>(text, new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web))!;

        // The page watches the instant pass and shows the board held, in words, with the plan still open to change.
        var owner = await fixture.NewPageAsync();
        var watch = new PageWatch(owner);
        await owner.GotoAsync(board.OwnerPage);
        await Expect(owner.Locator("#status")).ToHaveTextAsync("On hold: nobody wrote a card");
        await Expect(owner.Locator("#held-empty")).ToContainTextAsync("Nobody wrote a card by the delivery time, so nothing was sent. Pick a new time, invite people, or deliver it anyway.");
        await Expect(owner.Locator("#manage")).ToBeVisibleAsync();
        await Expect(owner.Locator("#share")).ToBeVisibleAsync();
        await Expect(owner.GetByLabel("Hold it and ask me")).ToBeCheckedAsync();
        await Screens.CaptureAsync(owner, "owner-held-empty");

        // "Deliver now" says there are no cards and, confirmed, sends it anyway (with the note).
        await owner.GetByRole(AriaRole.Button, new() { Name = "Deliver now" }).ClickAsync();
        await Expect(owner.Locator("#confirm-message")).ToContainTextAsync("This board has no cards yet. Deliver it anyway?");
        await owner.Locator("#confirm-yes").ClickAsync();
        await Expect(owner.Locator("#status")).ToHaveTextAsync("Delivered");
        var link = await Boards.RecipientLinkFromEmailAsync(stack, recipient, ct);

        var ada = await fixture.NewPageAsync();
        await ada.GotoAsync(link);
        await Expect(ada.Locator("#reveal-from")).ToHaveTextAsync("A note from Grace is waiting inside.");
        await ada.GetByRole(AriaRole.Button, new() { Name = "Open" }).ClickAsync();
        await Expect(ada.Locator("#note-text")).ToHaveTextAsync("Even without cards: thank you.");
        await Expect(ada.Locator("#from")).ToHaveTextAsync("No cards were written on this board.");
        Assert.Empty(watch.Events);
    }

    /// <summary>A card posted through the API with the contribution key.</summary>
    private static async Task AddCardAsync(KudosStack stack, CreatedBoard board, string authorName, string message, CancellationToken ct)
    {
        using var response = await stack.Http.SendAsync(stack.Request(HttpMethod.Post, $"/api/boards/{board.Id}/cards", board.ContributeKey, new { authorName, message }), ct);
        Assert.True(response.IsSuccessStatusCode, $"Posting a card answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(ct)}");
    }

    /// <summary>
    /// Waits until the card matched by <paramref name="selector"/> shows <paramref name="count"/> decoded pictures
    /// (naturalWidth &gt; 0), bringing it into view at each check: pictures load as their place nears the viewport.
    /// </summary>
    private static async Task AssertPicturesLoadedAsync(IPage page, string selector, int count)
    {
        await page.WaitForFunctionAsync(
            """
            ([selector, count]) => {
                const card = document.querySelector(selector);
                if (card === null) return false;
                card.scrollIntoView({ block: "center" });
                const images = [...card.querySelectorAll("img")];
                return images.length === count && images.every(i => i.complete && i.naturalWidth > 0);
            }
            """,
            new object[] { selector, count });
    }

    /// <summary>
    /// The first message to <paramref name="to"/> whose text contains <paramref name="text"/>, waiting on the SMTP test
    /// server's signal for one more message each time (the address may also get a receipt or a "delivered" notice).
    /// </summary>
    private static async Task<ReceivedMail> MailContainingAsync(KudosStack stack, string to, string text, CancellationToken ct)
    {
        var deadline = DateTimeOffset.UtcNow.AddSeconds(30);
        for (var count = 1; ; count++)
        {
            var left = deadline - DateTimeOffset.UtcNow;
            var mails = await stack.Smtp.WaitForMessagesAsync(count, left > TimeSpan.Zero ? left : TimeSpan.Zero, to, ct);
            var match = mails.FirstOrDefault(m => (m.Parse().TextBody ?? "").Contains(text, StringComparison.Ordinal));
            if (match is not null)
            {
                return match;
            }

            Assert.True(mails.Count >= count && left > TimeSpan.Zero,
                $"No email to {to} contains \"{text}\"; it got {mails.Count}: {string.Join(", ", mails.Select(m => m.Subject))}\n{stack.Logs}");
            count = mails.Count;
        }
    }

    [GeneratedRegex(@"https?://\S+/c/[0-9a-f]{32}#k=[A-Za-z0-9_-]{43}&card=[0-9a-f]{32}&ck=[A-Za-z0-9_-]+")]
    private static partial Regex CardLink();

    [GeneratedRegex(@"/o/(?<id>[0-9a-f-]{36})#k=(?<owner>[A-Za-z0-9_-]{43})&c=(?<contribute>[A-Za-z0-9_-]{43})$")]
    private static partial Regex OwnerUrl();
}
