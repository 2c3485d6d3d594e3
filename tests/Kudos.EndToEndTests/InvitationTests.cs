using System.Net;
using System.Text.RegularExpressions;
using Kudos.EndToEndTests.Infrastructure;
using Kudos.Testing;
using Xunit;

namespace Kudos.EndToEndTests;

[Collection(StackCollection.Name)]
public sealed partial class InvitationTests(StackFixture fixture)
{
    private KudosStack Stack => fixture.Stack;

    private static object BoardWithInvitees(DateTimeOffset? deliverAt, params string[] invitees) => new
    {
        title = "For Ada",
        recipientName = "Ada Lovelace",
        recipientEmail = TestAddresses.Unique("ada"),
        ownerName = "Grace",
        ownerEmail = TestAddresses.Unique("owner"),
        deliverAt = deliverAt?.ToString("O"),
        timeZone = "UTC",
        contributorEmails = invitees,
    };

    [Fact(Timeout = 120_000)]
    public async Task Invitees_get_personal_links_and_only_those_who_have_not_posted_are_reminded()
    {
        var ct = TestContext.Current.CancellationToken;
        var (posts, lingers) = (TestAddresses.Unique("posts"), TestAddresses.Unique("lingers"));
        var deliverAt = DateTimeOffset.UtcNow + StackFixture.InviteReminderLead + TimeSpan.FromSeconds(6);
        var board = await Stack.CreateBoardAsync(BoardWithInvitees(deliverAt, posts, lingers), ct);

        var invitation = Assert.Single(await Mail.ForAsync(Stack, posts, 1, TimeSpan.FromSeconds(20), ct));
        Assert.Single(await Mail.ForAsync(Stack, lingers, 1, TimeSpan.FromSeconds(20), ct));
        var message = invitation.Parse();
        Assert.Equal("List-Unsubscribe=One-Click", message.Headers["List-Unsubscribe-Post"]);
        Assert.Matches(@"^<https?://[^>]+/u/[0-9a-f]{32}/[A-Za-z0-9_-]{43}>, <mailto:unsubscribe@kudos\.test\?subject=[^>]+>$", message.Headers["List-Unsubscribe"]);
        Assert.Equal("auto-generated", message.Headers["Auto-Submitted"]);

        var link = InviteLink().Match(message.TextBody ?? "");
        Assert.True(link.Success, $"No contribution link in:\n{message.TextBody}");
        Assert.Equal(board.ContributeKey, link.Groups["key"].Value);
        using (var post = await Stack.Http.SendAsync(Stack.Request(HttpMethod.Post, $"/api/boards/{board.Id}/cards", link.Groups["key"].Value, new { authorName = "Poster", message = "Here!", inviteToken = link.Groups["invite"].Value }), ct))
        {
            Assert.Equal(HttpStatusCode.Created, post.StatusCode);
        }

        // The reminder goes out InviteReminderLead before delivery, to the one who has not posted only.
        var reminded = await Mail.ForAsync(Stack, lingers, 2, TimeSpan.FromSeconds(30), ct);
        Assert.True(reminded.Count == 2, $"No reminder reached {lingers}.\n{Stack.Logs}");
        Assert.StartsWith("Reminder:", reminded[1].Subject, StringComparison.Ordinal);
        Assert.True(reminded[1].ReceivedAt < deliverAt, "The reminder must come before the delivery instant.");
        Assert.Single(await Mail.ForAsync(Stack, posts, 2, TimeSpan.Zero, ct));

        var view = await Stack.OwnerViewAsync(board, ct);
        var invitees = view.Invitees!.ToDictionary(i => i.Email);
        Assert.True(invitees[posts].HasPosted);
        Assert.Null(invitees[posts].RemindedAt);
        Assert.False(invitees[lingers].HasPosted);
        Assert.NotNull(invitees[lingers].RemindedAt);
    }

    [Fact(Timeout = 120_000)]
    public async Task Unsubscribe_get_changes_nothing_and_post_stops_invitations_but_not_deliveries()
    {
        var ct = TestContext.Current.CancellationToken;
        var invitee = TestAddresses.Unique("leaving");
        await Stack.CreateBoardAsync(BoardWithInvitees(null, invitee), ct);
        var header = Assert.Single(await Mail.ForAsync(Stack, invitee, 1, TimeSpan.FromSeconds(20), ct)).Parse().Headers["List-Unsubscribe"] ?? "";
        var url = new Uri(UnsubscribeUrl().Match(header).Groups["url"].Value);

        using (var page = await Stack.Http.GetAsync(url.PathAndQuery, ct))
        {
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            Assert.Contains("<form method=\"post\"", await page.Content.ReadAsStringAsync(ct), StringComparison.Ordinal);
        }

        using (var notYet = await Stack.Http.SendAsync(Stack.Request(HttpMethod.Get, $"/api/admin/suppressions/{invitee}", StackFixture.AdminKey), ct))
        {
            await Api.ProblemAsync(notYet, HttpStatusCode.NotFound, ct);
        }

        using (var oneClick = await Stack.Http.PostAsync(url.PathAndQuery, new FormUrlEncodedContent([new("List-Unsubscribe", "One-Click")]), ct))
        {
            Assert.Equal(HttpStatusCode.OK, oneClick.StatusCode);
        }

        using (var suppression = await Stack.Http.SendAsync(Stack.Request(HttpMethod.Get, $"/api/admin/suppressions/{invitee}", StackFixture.AdminKey), ct))
        {
            Assert.Equal("Unsubscribe", (await Api.ReadAsync<SuppressionDto>(suppression, HttpStatusCode.OK, ct)).Reason);
        }

        // A new invitation to that address is suppressed; a board delivered to it still arrives.
        var next = await Stack.CreateBoardAsync(BoardWithInvitees(null, invitee), ct);
        var invitationId = (await Stack.OwnerViewAsync(next, ct)).Invitees![0].InvitationDispatchId;
        await Stack.WaitForDispatchAsync(invitationId, "Suppressed", TimeSpan.FromSeconds(15), ct);
        var invitation = await Stack.DispatchAsync(invitationId, ct);
        Assert.Equal("Suppressed", invitation.Dispatch.Status);

        var forThem = await Stack.CreateBoardAsync(Api.NewBoard(invitee, deliverAt: null), ct);
        using (var deliver = await Stack.Http.SendAsync(Stack.Request(HttpMethod.Post, $"/api/boards/{forThem.Id}/deliver?confirmFewCards=true", forThem.OwnerKey), ct))
        {
            Assert.Equal(HttpStatusCode.OK, deliver.StatusCode);
        }

        Assert.Equal(2, (await Mail.ForAsync(Stack, invitee, 2, TimeSpan.FromSeconds(20), ct)).Count);

        using var bogus = await Stack.Http.PostAsync($"/u/{next.Id:N}/{new string('x', 43)}", new FormUrlEncodedContent([new("List-Unsubscribe", "One-Click")]), ct);
        Assert.Equal(HttpStatusCode.NotFound, bogus.StatusCode);
    }

    [Fact(Timeout = 60_000)]
    public async Task Inviting_later_needs_the_contribution_key_and_valid_addresses()
    {
        var ct = TestContext.Current.CancellationToken;
        var board = await Stack.CreateBoardAsync(Api.NewBoard(TestAddresses.Unique("ada"), DateTimeOffset.UtcNow.AddDays(1)), ct);

        using var wrongKey = await Stack.Http.SendAsync(Stack.Request(HttpMethod.Post, $"/api/boards/{board.Id}/invitations", board.OwnerKey, new { contributeKey = board.OwnerKey, emails = new[] { TestAddresses.Unique("x") } }), ct);
        Assert.Equal("invalid_contributeKey", (await Api.ProblemAsync(wrongKey, HttpStatusCode.BadRequest, ct)).Code);
        using var badEmail = await Stack.Http.SendAsync(Stack.Request(HttpMethod.Post, $"/api/boards/{board.Id}/invitations", board.OwnerKey, new { contributeKey = board.ContributeKey, emails = new[] { "not an address" } }), ct);
        await Api.ProblemAsync(badEmail, HttpStatusCode.BadRequest, ct);

        var invitee = TestAddresses.Unique("late");
        using var ok = await Stack.Http.SendAsync(Stack.Request(HttpMethod.Post, $"/api/boards/{board.Id}/invitations", board.OwnerKey, new { contributeKey = board.ContributeKey, emails = new[] { invitee, invitee.ToUpperInvariant() } }), ct);
        Assert.Single(await Api.ReadAsync<List<InviteeDto>>(ok, HttpStatusCode.OK, ct));
        Assert.Single(await Mail.ForAsync(Stack, invitee, 1, TimeSpan.FromSeconds(20), ct));
    }

    [GeneratedRegex(@"/c/[0-9a-f]{32}#k=(?<key>[A-Za-z0-9_-]{43})&i=(?<invite>[A-Za-z0-9_-]{43})")]
    private static partial Regex InviteLink();

    [GeneratedRegex(@"<(?<url>https?://[^>]+)>")]
    private static partial Regex UnsubscribeUrl();
}
