using System.Globalization;
using System.Text.RegularExpressions;
using Kudos.BrowserTests.Infrastructure;
using Microsoft.Playwright;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace Kudos.BrowserTests;

/// <summary>
/// The confirmation flow in Chromium, with the product's default settings: create → "check your inbox" → the emailed
/// link's page → confirm → the owner page; afterwards the same browser creates boards without confirming again.
/// </summary>
[Collection(ConfirmingBrowserCollection.Name)]
public sealed partial class OwnerConfirmationTests(ConfirmingBrowserFixture fixture)
{
    [Fact(Timeout = 180_000)]
    public async Task A_new_owner_confirms_from_the_emailed_link_and_the_waiting_invitation_leaves_then_the_browser_skips_confirmation()
    {
        var ct = TestContext.Current.CancellationToken;
        var stack = fixture.Stack;
        var ownerEmail = Boards.UniqueAddress("grace");
        var invitee = Boards.UniqueAddress("alan");

        var owner = await fixture.NewPageAsync();
        var watch = new PageWatch(owner);
        await CreateInFormAsync(owner, ownerEmail, invitee);
        await owner.WaitForURLAsync(OwnerUrl());
        var boardId = Guid.Parse(OwnerUrl().Match(owner.Url).Groups["id"].Value).ToString("N");

        // 1. The owner page says what happens next; nothing has gone to the invitee.
        await Expect(owner.Locator("#confirm-owner")).ToBeVisibleAsync();
        await Expect(owner.Locator("#confirm-owner-text")).ToContainTextAsync($"We sent a link to {ownerEmail}");
        await Expect(owner.Locator("#confirm-owner-text")).ToContainTextAsync("1 invitation waits");
        await Expect(owner.Locator("#notice")).ToContainTextAsync("confirm your address");
        await Screens.CaptureAsync(owner, "owner-unconfirmed");

        var mail = Assert.Single(await stack.Smtp.WaitForMessagesAsync(1, TimeSpan.FromSeconds(30), ownerEmail, ct));
        var link = ConfirmLink().Match(mail.Parse().TextBody ?? "");
        Assert.True(link.Success, "No confirmation link in the owner's email.");
        Assert.Contains(boardId, link.Value, StringComparison.Ordinal);
        Assert.Empty(await stack.Smtp.WaitForMessagesAsync(1, TimeSpan.Zero, invitee, ct));

        // 2. The link's page only shows a button (a mail scanner fetching it confirms nothing).
        await owner.GotoAsync(link.Value);
        await Expect(owner.GetByRole(AriaRole.Heading, new() { Name = "Confirm your address" })).ToBeVisibleAsync();
        await Screens.CaptureAsync(owner, "confirm");
        Assert.Empty(await stack.Smtp.WaitForMessagesAsync(1, TimeSpan.Zero, invitee, ct));

        // 3. Confirming lands on the full owner page (this browser created the board: contribution link included).
        await owner.GetByRole(AriaRole.Button, new() { Name = "Yes, confirm my address" }).ClickAsync();
        await owner.WaitForURLAsync(new Regex($"/o/{boardId}#k=[A-Za-z0-9_-]{{43}}&c=[A-Za-z0-9_-]{{43}}$"));
        await Expect(owner.Locator("#notice")).ToContainTextAsync("Your address is confirmed");
        await Expect(owner.Locator("#confirm-owner")).ToBeHiddenAsync();
        await Expect(owner.Locator("#status")).ToHaveTextAsync("Scheduled and sealed");
        await Screens.CaptureAsync(owner, "owner-confirmed");
        Assert.Single(await stack.Smtp.WaitForMessagesAsync(1, TimeSpan.FromSeconds(30), invitee, ct));

        // 4. The browser kept the owner credential: the next board by this owner asks nothing and invites at once.
        var second = Boards.UniqueAddress("katherine");
        await CreateInFormAsync(owner, ownerEmail, second);
        await owner.WaitForURLAsync(OwnerUrl());
        Assert.NotEqual(boardId, Guid.Parse(OwnerUrl().Match(owner.Url).Groups["id"].Value).ToString("N"));
        await Expect(owner.Locator("#notice")).ToContainTextAsync("Your board is ready");
        await Expect(owner.Locator("#confirm-owner")).ToBeHiddenAsync();
        Assert.Single(await stack.Smtp.WaitForMessagesAsync(1, TimeSpan.FromSeconds(30), second, ct));
        Assert.Single(await stack.Smtp.WaitForMessagesAsync(2, TimeSpan.Zero, ownerEmail, ct));

        // 5. A lost owner link: the start page lists this owner's boards through the credential, and each opens.
        await owner.GotoAsync("/");
        await Expect(owner.Locator("#my-boards-list li")).ToHaveCountAsync(2);
        await Screens.CaptureAsync(owner, "my-boards");
        await owner.Locator("#my-boards-list a").Last.ClickAsync();
        await owner.WaitForURLAsync(new Regex("/o/[0-9a-f-]{32,36}#k=oc_[A-Za-z0-9_-]{43}$"));
        Assert.Equal(boardId, Guid.Parse(new Regex("/o/([0-9a-f-]{32,36})#").Match(owner.Url).Groups[1].Value).ToString("N"));
        await Expect(owner.Locator("#status")).ToHaveTextAsync("Scheduled and sealed");
        Assert.Empty(watch.Events);
    }

    private static async Task CreateInFormAsync(IPage page, string ownerEmail, string invitee)
    {
        await page.GotoAsync("/");
        var paris = TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris");
        var day = TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, paris).AddDays(2).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        await page.GetByLabel("Title").FillAsync("Thank you, Ada");
        await page.GetByLabel("Recipient's name").FillAsync("Ada Lovelace");
        await page.GetByLabel("Recipient's email").FillAsync(Boards.UniqueAddress("ada"));
        await page.GetByLabel("Your name").FillAsync("Grace");
        await page.GetByLabel("Your email").FillAsync(ownerEmail);
        await page.GetByLabel("Day").FillAsync(day);
        await page.GetByLabel("Time", new() { Exact = true }).FillAsync("18:30");
        await page.GetByLabel("Their email addresses").FillAsync(invitee);
        await page.GetByRole(AriaRole.Button, new() { Name = "Create the board" }).ClickAsync();
    }

    [GeneratedRegex(@"/o/(?<id>[0-9a-f-]{32,36})#k=[A-Za-z0-9_-]{43}&c=[A-Za-z0-9_-]{43}$")]
    private static partial Regex OwnerUrl();

    [GeneratedRegex(@"https?://\S+/confirm/[0-9a-f]{32}#t=[A-Za-z0-9_-]{43}")]
    private static partial Regex ConfirmLink();
}
