using Kudos.BrowserTests.Infrastructure;
using Kudos.Testing;
using Microsoft.Playwright;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace Kudos.BrowserTests;

[Collection(BrowserCollection.Name)]
public sealed class DeliveryFailureTests(BrowserFixture fixture)
{
    [Fact(Timeout = 180_000)]
    public async Task A_refused_delivery_shows_its_reason_and_the_server_reply_on_the_owner_page()
    {
        var ct = TestContext.Current.CancellationToken;
        var recipient = Boards.UniqueAddress("nobody");
        await fixture.Stack.Smtp.AddFaultAsync(new SmtpFault(recipient, Stage: "rcpt", Code: 550, Message: "5.1.1 No such user"), ct);
        var board = await Boards.CreateAsync(fixture.Stack, "For someone who is not there", recipient, ct);

        var owner = await fixture.NewPageAsync();
        await owner.GotoAsync(board.OwnerPage);
        await owner.GetByRole(AriaRole.Button, new() { Name = "Deliver now" }).ClickAsync();
        await owner.Locator("#confirm-yes").ClickAsync();

        await Expect(owner.Locator("#delivery-status")).ToHaveTextAsync("Failed: not delivered");
        await Expect(owner.Locator("#delivery-summary")).ToContainTextAsync("could not be delivered");
        await Expect(owner.Locator("#delivery-details")).ToContainTextAsync("550");
        await Expect(owner.Locator("#delivery-details")).ToContainTextAsync("No such user");
        await Expect(owner.Locator("#recipient-link-hint")).ToContainTextAsync("send them this link yourself");
        await Screens.CaptureAsync(owner, "owner-delivery-failed");
    }
}
