using System.Net;
using System.Text.RegularExpressions;
using Kudos.EndToEndTests.Infrastructure;
using Kudos.Testing;
using MimeKit;
using Xunit;

namespace Kudos.EndToEndTests;

[Collection(StackCollection.Name)]
public sealed partial class JourneyTests(StackFixture fixture, ITestOutputHelper output)
{
    private KudosStack Stack => fixture.Stack;

    [Fact(Timeout = 120_000)]
    public async Task Sealed_board_is_delivered_once_at_its_instant_and_the_emailed_link_opens_every_card()
    {
        var ct = TestContext.Current.CancellationToken;
        var recipient = TestAddresses.Unique("ada");
        // Sealed well ahead while cards are posted and checked (a loaded machine must not close posting early), then
        // moved to an instant a few seconds away.
        var board = await Stack.CreateBoardAsync(Api.NewBoard(recipient, DateTimeOffset.UtcNow.AddHours(1), title: "Ada <b>rocks</b> & rolls"), ct);
        Assert.Equal("Scheduled", board.Status);

        string[] authors = ["Alan", "Grace", "Katherine"];
        var cards = new List<CardCreatedDto>();
        foreach (var author in authors)
        {
            cards.Add(await Stack.AddCardAsync(board, author, $"Thank you from {author}!", ct));
        }

        // Each contributor reads its own card, and no other.
        for (var i = 0; i < cards.Count; i++)
        {
            using var own = await Stack.Http.SendAsync(Stack.Request(HttpMethod.Get, $"/api/boards/{board.Id}/cards/{cards[i].CardId}", cards[i].CardKey), ct);
            var card = await Api.ReadAsync<CardDto>(own, HttpStatusCode.OK, ct);
            Assert.Equal($"Thank you from {authors[i]}!", card.Message);

            var other = cards[(i + 1) % cards.Count];
            using var foreign = await Stack.Http.SendAsync(Stack.Request(HttpMethod.Get, $"/api/boards/{board.Id}/cards/{other.CardId}", cards[i].CardKey), ct);
            await Api.ProblemAsync(foreign, HttpStatusCode.NotFound, ct);
        }

        // The owner sees names and count, never text.
        using (var ownerResponse = await Stack.Http.SendAsync(Stack.Request(HttpMethod.Get, $"/api/boards/{board.Id}", board.OwnerKey), ct))
        {
            var raw = await ownerResponse.Content.ReadAsStringAsync(ct);
            Assert.Equal(HttpStatusCode.OK, ownerResponse.StatusCode);
            Assert.DoesNotContain("Thank you from", raw, StringComparison.Ordinal);
            var view = System.Text.Json.JsonSerializer.Deserialize<OwnerViewDto>(raw, Api.Json)!;
            Assert.Equal(3, view.CardCount);
            Assert.Equal(authors.Order(), view.ContributorNames.Order());
            Assert.Null(view.Delivery);
        }

        // The list of cards is sealed for every key until delivery.
        foreach (var key in new[] { board.OwnerKey, board.ContributeKey })
        {
            using var sealedList = await Stack.Http.SendAsync(Stack.Request(HttpMethod.Get, $"/api/boards/{board.Id}/cards", key), ct);
            var problem = await Api.ProblemAsync(sealedList, HttpStatusCode.Forbidden, ct);
            Assert.Contains("sealed until", problem.Detail, StringComparison.Ordinal);
        }

        var deliverAt = DateTimeOffset.UtcNow.AddSeconds(3);
        using (var moved = await Stack.Http.SendAsync(Stack.Request(HttpMethod.Patch, $"/api/boards/{board.Id}", board.OwnerKey, new { deliverAt = deliverAt.ToString("O") }), ct))
        {
            Assert.Equal(HttpStatusCode.OK, moved.StatusCode);
        }

        var mails = await Mail.ForAsync(Stack, recipient, 1, TimeSpan.FromSeconds(40), ct);
        Assert.True(mails.Count == 1, $"Expected the delivery email for board {board.Id} at the SMTP server.\n{Stack.Logs}");
        var mail = mails[0];
        var lag = mail.ReceivedAt - deliverAt;
        output.WriteLine($"deliverAt {deliverAt:O}, SMTP accepted {mail.ReceivedAt:O}: delay {lag.TotalMilliseconds:0} ms");
        Assert.True(lag >= TimeSpan.Zero, $"The email was sent before the delivery instant (by {-lag.TotalMilliseconds:0} ms).");

        // Exactly once: a second message never arrives within several reminder periods.
        var again = await Mail.ForAsync(Stack, recipient, 2, KudosStack.ReminderPeriod * 3, ct);
        Assert.Single(again);

        var message = mail.Parse();
        Assert.Contains("Ada Lovelace", message.Subject, StringComparison.Ordinal);
        Assert.NotNull(message.TextBody);
        Assert.NotNull(message.HtmlBody);
        Assert.Contains("Hi Ada Lovelace,", message.TextBody, StringComparison.Ordinal);
        Assert.Contains("Ada &lt;b&gt;rocks&lt;/b&gt; &amp; rolls", message.HtmlBody, StringComparison.Ordinal);
        Assert.DoesNotContain("<b>rocks</b>", message.HtmlBody, StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty(message.MessageId));
        Assert.Equal("kudos@kudos.test", ((MailboxAddress)message.From[0]).Address);

        var link = RecipientLink().Match(message.TextBody);
        Assert.True(link.Success, $"No recipient link in:\n{message.TextBody}");
        Assert.Equal(board.Id.ToString("N"), link.Groups["id"].Value);
        using var opened = await Stack.Http.SendAsync(Stack.Request(HttpMethod.Get, $"/api/boards/{board.Id}/cards", link.Groups["key"].Value), ct);
        var all = await Api.ReadAsync<List<CardDto>>(opened, HttpStatusCode.OK, ct);
        Assert.Equal(authors.Order(), all.Select(c => c.AuthorName).Order());

        // After delivery: the owner sees the sent delivery and the recipient link; posting is closed.
        var delivered = await Stack.OwnerViewOnceDeliveryIsAsync(board, "Sent", TimeSpan.FromSeconds(10), ct);
        Assert.Equal("Delivered", delivered.Status);
        Assert.Equal("Sent", delivered.Delivery?.Status);
        Assert.Equal(1, delivered.Delivery?.Attempts);
        Assert.EndsWith(link.Groups["key"].Value, delivered.Delivery?.RecipientUrl, StringComparison.Ordinal);

        using var late = await Stack.Http.SendAsync(Stack.Request(HttpMethod.Post, $"/api/boards/{board.Id}/cards", board.ContributeKey, new { authorName = "Late", message = "Sorry!" }), ct);
        var closed = await Api.ProblemAsync(late, HttpStatusCode.Conflict, ct);
        Assert.Equal("posting_closed", closed.Code);

        using var edit = await Stack.Http.SendAsync(Stack.Request(HttpMethod.Put, $"/api/boards/{board.Id}/cards/{cards[0].CardId}", cards[0].CardKey, new { message = "changed" }), ct);
        await Api.ProblemAsync(edit, HttpStatusCode.Conflict, ct);
    }

    [Fact(Timeout = 120_000)]
    public async Task Rescheduling_moves_the_delivery()
    {
        var ct = TestContext.Current.CancellationToken;
        var recipient = TestAddresses.Unique("moved");
        var board = await Stack.CreateBoardAsync(Api.NewBoard(recipient, DateTimeOffset.UtcNow.AddHours(2)), ct);

        var newInstant = DateTimeOffset.UtcNow.AddSeconds(3);
        using var patch = await Stack.Http.SendAsync(Stack.Request(HttpMethod.Patch, $"/api/boards/{board.Id}", board.OwnerKey, new { deliverAt = newInstant.ToString("O") }), ct);
        var view = await Api.ReadAsync<OwnerViewDto>(patch, HttpStatusCode.OK, ct);
        Assert.Equal(newInstant.ToUniversalTime(), view.DeliverAt);

        var mails = await Mail.ForAsync(Stack, recipient, 1, TimeSpan.FromSeconds(30), ct);
        Assert.True(mails.Count == 1, $"The rescheduled board {board.Id} was not delivered.\n{Stack.Logs}");
        Assert.True(mails[0].ReceivedAt >= newInstant);
    }

    [Fact(Timeout = 120_000)]
    public async Task Cancelling_prevents_delivery()
    {
        var ct = TestContext.Current.CancellationToken;
        var recipient = TestAddresses.Unique("cancelled");
        var board = await Stack.CreateBoardAsync(Api.NewBoard(recipient, DateTimeOffset.UtcNow.AddSeconds(3)), ct);

        using var cancel = await Stack.Http.SendAsync(Stack.Request(HttpMethod.Delete, $"/api/boards/{board.Id}", board.OwnerKey), ct);
        Assert.Equal(HttpStatusCode.NoContent, cancel.StatusCode);

        // Past the instant and two reminder periods beyond it, nothing was sent.
        var mails = await Mail.ForAsync(Stack, recipient, 1, TimeSpan.FromSeconds(3) + (KudosStack.ReminderPeriod * 2), ct);
        Assert.Empty(mails);
        Assert.Equal("Cancelled", (await Stack.OwnerViewAsync(board, ct)).Status);

        using var post = await Stack.Http.SendAsync(Stack.Request(HttpMethod.Post, $"/api/boards/{board.Id}/cards", board.ContributeKey, new { authorName = "A", message = "B" }), ct);
        Assert.Equal("board_cancelled", (await Api.ProblemAsync(post, HttpStatusCode.Conflict, ct)).Code);
    }

    [Fact(Timeout = 120_000)]
    public async Task Deliver_now_sends_a_draft_board_at_once()
    {
        var ct = TestContext.Current.CancellationToken;
        var recipient = TestAddresses.Unique("now");
        var board = await Stack.CreateBoardAsync(Api.NewBoard(recipient, deliverAt: null), ct);
        Assert.Equal("Draft", board.Status);
        await Stack.AddCardAsync(board, "Linus", "Ship it.", ct);

        var requested = DateTimeOffset.UtcNow;
        using var deliver = await Stack.Http.SendAsync(Stack.Request(HttpMethod.Post, $"/api/boards/{board.Id}/deliver?confirmFewCards=true", board.OwnerKey), ct);
        var view = await Api.ReadAsync<OwnerViewDto>(deliver, HttpStatusCode.OK, ct);
        Assert.Equal("Delivered", view.Status);

        var mails = await Mail.ForAsync(Stack, recipient, 1, TimeSpan.FromSeconds(15), ct);
        Assert.True(mails.Count == 1, $"Deliver-now did not send for board {board.Id}.\n{Stack.Logs}");
        output.WriteLine($"deliver-now to SMTP acceptance: {(mails[0].ReceivedAt - requested).TotalMilliseconds:0} ms");

        using var cards = await Stack.Http.SendAsync(Stack.Request(HttpMethod.Get, $"/api/boards/{board.Id}/cards", board.OwnerKey), ct);
        Assert.Single(await Api.ReadAsync<List<CardDto>>(cards, HttpStatusCode.OK, ct));

        using var twice = await Stack.Http.SendAsync(Stack.Request(HttpMethod.Post, $"/api/boards/{board.Id}/deliver?confirmFewCards=true", board.OwnerKey), ct);
        Assert.Equal("board_delivered", (await Api.ProblemAsync(twice, HttpStatusCode.Conflict, ct)).Code);
    }

    [GeneratedRegex(@"/b/(?<id>[0-9a-f]{32})#k=(?<key>[A-Za-z0-9_-]{43})")]
    private static partial Regex RecipientLink();
}
