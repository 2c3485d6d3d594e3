using System.Globalization;
using System.Text.RegularExpressions;
using Kudos.BrowserTests.Infrastructure;
using Microsoft.Playwright;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace Kudos.BrowserTests;

[Collection(BrowserCollection.Name)]
public sealed partial class JourneyTests(BrowserFixture fixture)
{
    [Fact(Timeout = 180_000)]
    public async Task A_board_created_in_the_browser_collects_sealed_cards_and_the_emailed_link_opens_them_all()
    {
        var ct = TestContext.Current.CancellationToken;
        var stack = fixture.Stack;
        var recipient = Boards.UniqueAddress("ada");
        const string alanText = "You saw the engine's future before anyone else.";
        const string katherineText = "Your notes were the first programs. Thank you!";

        // 1. The owner creates the board; delivery tomorrow 18:30 in Paris, picked in the form.
        var owner = await fixture.NewPageAsync(clipboard: true);
        var ownerWatch = new PageWatch(owner);
        await owner.GotoAsync("/");
        var paris = TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris");
        var day = TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, paris).AddDays(1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        await Expect(owner.GetByLabel("Time zone")).ToHaveValueAsync("Europe/Paris");
        await owner.GetByLabel("Title").FillAsync("Thank you, Ada");
        await owner.GetByLabel("Recipient's name").FillAsync("Ada Lovelace");
        await owner.GetByLabel("Recipient's email").FillAsync(recipient);
        await owner.GetByLabel("Your name").FillAsync("Grace");
        await owner.GetByLabel("Your email").FillAsync("grace@example.test");
        await owner.GetByLabel("Day").FillAsync(day);
        await owner.GetByLabel("Time", new() { Exact = true }).FillAsync("18:30");
        await owner.GetByLabel("Their email addresses").FillAsync("alan@example.test, katherine@example.test");
        await Screens.CaptureAsync(owner, "create");
        // The web client sends an Idempotency-Key with every create, so a retried submission cannot make a second board.
        string? retryKey = null;
        owner.Request += (_, request) =>
        {
            if (request.Method == "POST" && request.Url.EndsWith("/api/boards", StringComparison.Ordinal))
            {
                retryKey = request.Headers.GetValueOrDefault("idempotency-key");
            }
        };
        await owner.GetByRole(AriaRole.Button, new() { Name = "Create the board" }).ClickAsync();

        await owner.WaitForURLAsync(OwnerUrl());
        Assert.Matches("^[0-9a-f]{32}$", retryKey ?? "");
        var match = OwnerUrl().Match(owner.Url);
        var boardId = match.Groups["id"].Value;
        Assert.DoesNotContain("?", owner.Url, StringComparison.Ordinal);
        await Expect(owner.Locator("#title")).ToHaveTextAsync("Thank you, Ada");
        await Expect(owner.Locator("#status")).ToHaveTextAsync("Scheduled and sealed");
        await Expect(owner.Locator("#when")).ToContainTextAsync("18:30");
        await Expect(owner.Locator("#countdown")).ToContainTextAsync("Delivers in");

        // The instant stored is 18:30 Paris time, whatever the offset that day.
        var expectedInstant = new DateTimeOffset(DateTime.ParseExact($"{day} 18:30", "yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture), paris.GetUtcOffset(DateTime.ParseExact($"{day} 18:30", "yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)));
        var ownerView = await OwnerViewAsync(boardId, match.Groups["owner"].Value, ct);
        Assert.Equal(expectedInstant.ToUniversalTime(), ownerView.GetProperty("deliverAt").GetDateTimeOffset());
        Assert.Equal("Europe/Paris", ownerView.GetProperty("timeZone").GetString());

        // The contribution link, copied with the button.
        var contributeLink = await owner.Locator("#contribute-link").InputValueAsync();
        Assert.Matches($"/c/{boardId}#k=[A-Za-z0-9_-]{{43}}$", contributeLink);
        await owner.GetByRole(AriaRole.Button, new() { Name = "Copy link" }).ClickAsync();
        await Expect(owner.Locator("#copy-status")).ToContainTextAsync("Copied");
        Assert.Equal(contributeLink, await owner.EvaluateAsync<string>("() => navigator.clipboard.readText()"));
        await Screens.CaptureAsync(owner, "owner-scheduled");

        // 2. Two contributors, each in a separate browser profile, post a card.
        var alan = await fixture.NewPageAsync(timeZone: "America/New_York");
        var katherine = await fixture.NewPageAsync();
        await PostCardAsync(alan, contributeLink, "Alan", alanText);
        await Screens.CaptureAsync(alan, "contribute");
        await PostCardAsync(katherine, contributeLink, "Katherine", katherineText);

        // 3. Each sees only its own card, also after a reload (the card key is kept in the browser).
        foreach (var (page, own, other) in new[] { (alan, alanText, katherineText), (katherine, katherineText, alanText) })
        {
            await page.ReloadAsync();
            await Expect(page.Locator("#own-cards .card")).ToHaveCountAsync(1);
            await Expect(page.Locator("#own-cards .card .message")).ToHaveTextAsync(own);
            await Expect(page.Locator("#card-count")).ToHaveTextAsync("2 cards so far");
            Assert.DoesNotContain(other, await page.ContentAsync(), StringComparison.Ordinal);
        }

        await Expect(alan.Locator("#sealed")).ToContainTextAsync("Cards are sealed");

        // 4. The owner sees the names and the count, never the text.
        await owner.ReloadAsync();
        await Expect(owner.Locator("#card-count")).ToHaveTextAsync("2 cards");
        await Expect(owner.Locator("#cards")).ToContainTextAsync("Alan");
        await Expect(owner.Locator("#cards")).ToContainTextAsync("Katherine");
        var ownerHtml = await owner.ContentAsync();
        Assert.DoesNotContain(alanText, ownerHtml, StringComparison.Ordinal);
        Assert.DoesNotContain(katherineText, ownerHtml, StringComparison.Ordinal);

        // The recipient's page before the instant: a sealed notice with the time (opened here with the contribution key).
        var early = await fixture.NewPageAsync();
        await early.GotoAsync($"/b/{boardId}{new Uri(contributeLink).Fragment}");
        await Expect(early.Locator("#sealed")).ToContainTextAsync("still sealed");
        await Expect(early.Locator("#sealed-when")).ToContainTextAsync("18:30");
        await Screens.CaptureAsync(early, "recipient-sealed");

        // 5. Deliver now, confirmed in the page's own dialog.
        await owner.GetByRole(AriaRole.Button, new() { Name = "Deliver now" }).ClickAsync();
        await Expect(owner.Locator("#confirm")).ToBeVisibleAsync();
        await owner.Locator("#confirm-yes").ClickAsync();
        await Expect(owner.Locator("#status")).ToHaveTextAsync("Delivered");

        // 6. The email arrives; its link opens the recipient's page with both cards.
        var link = await Boards.RecipientLinkFromEmailAsync(stack, recipient, ct);
        await Expect(owner.Locator("#delivery-status")).ToHaveTextAsync("Sent");
        await Expect(owner.Locator("#delivery-summary")).ToContainTextAsync(recipient);
        await Screens.CaptureAsync(owner, "owner-delivered");

        var ada = await fixture.NewPageAsync();
        var adaWatch = new PageWatch(ada);
        await ada.GotoAsync(link);
        // The first opening shows the cover; "Open" brings the cards in.
        await ada.GetByRole(AriaRole.Button, new() { Name = "Open" }).ClickAsync();
        await Expect(ada.Locator("#reveal")).ToBeHiddenAsync();
        await Expect(ada.Locator(".card")).ToHaveCountAsync(2);
        await Expect(ada.Locator(".card", new() { HasText = alanText })).ToContainTextAsync("Alan");
        await Expect(ada.Locator(".card", new() { HasText = katherineText })).ToContainTextAsync("Katherine");
        await Expect(ada.Locator("#from")).ToContainTextAsync("2 cards from");
        await Screens.CaptureAsync(ada, "recipient");

        // After delivery a contributor sees the whole board and can no longer post.
        await alan.ReloadAsync();
        await Expect(alan.Locator("#all .card")).ToHaveCountAsync(2);
        await Expect(alan.Locator("#write")).ToBeHiddenAsync();
        await Screens.CaptureAsync(alan, "contribute-delivered");

        Assert.Empty(ownerWatch.Events);
        Assert.Empty(adaWatch.Events);
    }

    private static async Task PostCardAsync(IPage page, string link, string author, string message)
    {
        await page.GotoAsync(link);
        await Expect(page.Locator("#title")).ToHaveTextAsync("Thank you, Ada");
        await Expect(page.Locator("#recipient")).ToHaveTextAsync("Ada Lovelace");
        await Expect(page.Locator("#sealed")).ToBeVisibleAsync();
        await page.GetByLabel("Your name").FillAsync(author);
        await page.GetByLabel("Your message").FillAsync(message);
        await page.GetByRole(AriaRole.Button, new() { Name = "Seal my card" }).ClickAsync();
        await Expect(page.Locator("#own-cards .card .message")).ToHaveTextAsync(message);
        await Expect(page.Locator("#notice")).ToContainTextAsync("Your card is sealed");
    }

    private async Task<System.Text.Json.JsonElement> OwnerViewAsync(string id, string ownerKey, CancellationToken ct)
    {
        using var response = await fixture.Stack.Http.SendAsync(fixture.Stack.Request(HttpMethod.Get, $"/api/boards/{id}", ownerKey), ct);
        response.EnsureSuccessStatusCode();
        using var json = await System.Text.Json.JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(ct), cancellationToken: ct);
        return json.RootElement.Clone();
    }

    [GeneratedRegex(@"/o/(?<id>[0-9a-f-]{36})#k=(?<owner>[A-Za-z0-9_-]{43})&c=(?<contribute>[A-Za-z0-9_-]{43})$")]
    private static partial Regex OwnerUrl();
}
