using Kudos.BrowserTests.Infrastructure;
using Microsoft.Playwright;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace Kudos.BrowserTests;

[Collection(BrowserCollection.Name)]
public sealed class SafetyTests(BrowserFixture fixture)
{
    private const string ImagePayload = "<img src=x onerror=\"window.__xss=1;alert(1)\">";
    private const string ScriptPayload = "<script>window.__xss=2;alert(2)</script>";

    [Fact(Timeout = 180_000)]
    public async Task Markup_in_cards_titles_and_names_shows_as_text_and_runs_nothing()
    {
        var ct = TestContext.Current.CancellationToken;
        var recipient = Boards.UniqueAddress("xss");
        var board = await Boards.CreateAsync(fixture.Stack, $"Hi {ImagePayload}", recipient, ct);
        var message = $"{ImagePayload}\n{ScriptPayload}";
        var author = "<b onmouseover=\"window.__xss=3\">Mallory</b>";

        // The contributor writes the payload; the page shows it back as text.
        var writer = await fixture.NewPageAsync();
        var writerWatch = new PageWatch(writer);
        await writer.GotoAsync(board.ContributePage);
        await Expect(writer.Locator("#title")).ToHaveTextAsync($"Hi {ImagePayload}");
        await writer.GetByLabel("Your name").FillAsync(author);
        await writer.GetByLabel("Your message").FillAsync(message);
        await writer.GetByRole(AriaRole.Button, new() { Name = "Seal my card" }).ClickAsync();
        await Expect(writer.Locator("#own-cards .card .message")).ToHaveTextAsync(message);
        await Expect(writer.Locator("#own-cards .card .author")).ToHaveTextAsync(author);
        await AssertInertAsync(writer, writerWatch);

        // The owner's page shows the title and the author's name as text.
        var owner = await fixture.NewPageAsync();
        var ownerWatch = new PageWatch(owner);
        await owner.GotoAsync(board.OwnerPage);
        await Expect(owner.Locator("#title")).ToHaveTextAsync($"Hi {ImagePayload}");
        await Expect(owner.Locator("#cards")).ToContainTextAsync(author);
        await AssertInertAsync(owner, ownerWatch);

        // After delivery the recipient sees the card as it was written.
        await Boards.DeliverNowAsync(fixture.Stack, board, ct);
        var link = await Boards.RecipientLinkFromEmailAsync(fixture.Stack, recipient, ct);
        var reader = await fixture.NewPageAsync();
        var readerWatch = new PageWatch(reader);
        await reader.GotoAsync(link);
        await Expect(reader.Locator("#reveal-title")).ToHaveTextAsync($"Hi {ImagePayload}");
        await reader.GetByRole(AriaRole.Button, new() { Name = "Open" }).ClickAsync();
        await Expect(reader.Locator(".card .message")).ToHaveTextAsync(message);
        await Expect(reader.Locator(".card .author")).ToHaveTextAsync(author);
        await reader.Locator(".card .author").HoverAsync();
        await AssertInertAsync(reader, readerWatch);
        await Screens.CaptureAsync(reader, "recipient-markup-as-text");
    }

    [Fact(Timeout = 180_000)]
    public async Task Pages_keep_keys_out_of_requests_and_send_a_strict_content_security_policy()
    {
        var ct = TestContext.Current.CancellationToken;
        var board = await Boards.CreateAsync(fixture.Stack, "Keys stay in fragments", Boards.UniqueAddress("keys"), ct);
        var page = await fixture.NewPageAsync();
        var requests = new List<string>();
        page.Request += (_, request) =>
        {
            lock (requests)
            {
                requests.Add(request.Url);
            }
        };

        var response = await page.GotoAsync(board.OwnerPage);
        Assert.NotNull(response);
        Assert.Equal(200, response.Status);
        var csp = await response.HeaderValueAsync("content-security-policy");
        Assert.Contains("script-src 'self'", csp, StringComparison.Ordinal);
        await Expect(page.Locator("#title")).ToHaveTextAsync("Keys stay in fragments");

        // No URL the browser fetched carries a key: keys go only in the Authorization header.
        lock (requests)
        {
            Assert.NotEmpty(requests);
            Assert.DoesNotContain(requests, url => url.Contains(board.OwnerKey, StringComparison.Ordinal) || url.Contains(board.ContributeKey, StringComparison.Ordinal));
        }
    }

    private static async Task AssertInertAsync(IPage page, PageWatch watch)
    {
        Assert.Equal(0, await page.Locator("main img, main script, main b").CountAsync());
        Assert.True(await page.EvaluateAsync<bool>("() => window.__xss === undefined"), "A payload ran: window.__xss is set.");
        Assert.Empty(watch.Events);
    }
}
