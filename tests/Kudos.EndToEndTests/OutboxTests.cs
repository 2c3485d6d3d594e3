using System.Net;
using Kudos.EndToEndTests.Infrastructure;
using Kudos.Grains.Email;
using Kudos.Testing;
using Xunit;

namespace Kudos.EndToEndTests;

/// <summary>EmailDispatch as an outbox: retries, suppression, holds, cancellation, owner notices — over the real stack.</summary>
[Collection(StackCollection.Name)]
public sealed class OutboxTests(StackFixture fixture, ITestOutputHelper output)
{
    private KudosStack Stack => fixture.Stack;

    private async Task<BoardCreatedDto> DeliverNowAsync(string recipient, string owner, CancellationToken ct)
    {
        var board = await Stack.CreateBoardAsync(Api.NewBoard(recipient, deliverAt: null, ownerEmail: owner), ct);
        await Stack.AddCardAsync(board, "Alan", "Thanks!", ct);
        using var deliver = await Stack.Http.SendAsync(Stack.Request(HttpMethod.Post, $"/api/boards/{board.Id}/deliver?confirmFewCards=true", board.OwnerKey), ct);
        Assert.Equal(HttpStatusCode.OK, deliver.StatusCode);
        return board;
    }

    private Task<OwnerViewDto> DeliveryEndsAsync(BoardCreatedDto board, string status, CancellationToken ct) =>
        Stack.OwnerViewOnceDeliveryIsAsync(board, status, TimeSpan.FromSeconds(30), ct);

    [Fact(Timeout = 120_000)]
    public async Task Transient_refusals_are_retried_with_growing_delays_and_sent_once()
    {
        var ct = TestContext.Current.CancellationToken;
        var recipient = TestAddresses.Unique("busy");
        await Stack.Smtp.AddFaultAsync(new SmtpFault(recipient, Stage: "rcpt", Code: 421, Message: "4.7.0 Too many connections", Times: 1), ct);
        await Stack.Smtp.AddFaultAsync(new SmtpFault(recipient, Stage: "data", Code: 451, Message: "4.3.0 Local error", Times: 1), ct);
        var board = await DeliverNowAsync(recipient, TestAddresses.Unique("owner"), ct);

        Assert.Single(await Mail.ForAsync(Stack, recipient, 1, TimeSpan.FromSeconds(30), ct));
        Assert.Equal("Sent", (await DeliveryEndsAsync(board, "Sent", ct)).Delivery?.Status);

        var details = await Stack.DispatchAsync(AdminCalls.DeliveryId(board.Id), ct);
        Assert.Equal(["transient", "transient", "sent"], details.Attempts.Select(a => a.Outcome));
        Assert.StartsWith("421", details.Attempts[0].ServerReply, StringComparison.Ordinal);
        Assert.StartsWith("451", details.Attempts[1].ServerReply, StringComparison.Ordinal);
        var firstWait = details.Attempts[1].StartedAt - details.Attempts[0].EndedAt!.Value;
        var secondWait = details.Attempts[2].StartedAt - details.Attempts[1].EndedAt!.Value;
        output.WriteLine($"backoff: {firstWait.TotalMilliseconds:0} ms, then {secondWait.TotalMilliseconds:0} ms");
        Assert.True(secondWait > firstWait, $"Backoff must grow: {firstWait} then {secondWait}");
        Assert.Single(await Mail.ForAsync(Stack, recipient, 2, KudosStack.ReminderPeriod * 2, ct));
    }

    [Fact(Timeout = 120_000)]
    public async Task A_550_fails_suppresses_the_address_and_the_owner_gets_an_urgent_notice()
    {
        var ct = TestContext.Current.CancellationToken;
        var recipient = TestAddresses.Unique("gone");
        var owner = TestAddresses.Unique("owner");
        await Stack.Smtp.AddFaultAsync(new SmtpFault(recipient, Stage: "rcpt", Code: 550, Message: "5.1.1 <" + recipient + ">: Recipient address rejected: User unknown"), ct);
        var board = await DeliverNowAsync(recipient, owner, ct);

        var view = await DeliveryEndsAsync(board, "Failed", ct);
        Assert.Contains("550", view.Delivery?.ServerReply, StringComparison.Ordinal);

        var notice = await Mail.ForAsync(Stack, owner, 1, TimeSpan.FromSeconds(20), ct);
        Assert.True(notice.Count == 1, $"The owner of board {board.Id} got no notice.\n{Stack.Logs}");
        var text = notice[0].Parse().TextBody;
        Assert.Contains("550", text, StringComparison.Ordinal);
        Assert.Contains(recipient, text, StringComparison.Ordinal);
        Assert.StartsWith("Action needed", notice[0].Subject, StringComparison.Ordinal);

        using var suppression = await Stack.Http.SendAsync(Stack.Request(HttpMethod.Get, $"/api/admin/suppressions/{recipient}", StackFixture.AdminKey), ct);
        Assert.Equal("Bounce", (await Api.ReadAsync<SuppressionDto>(suppression, HttpStatusCode.OK, ct)).Reason);

        // The next board for that address is not sent at all, and says why.
        var second = await DeliverNowAsync(recipient, TestAddresses.Unique("owner"), ct);
        var suppressed = await DeliveryEndsAsync(second, "Suppressed", ct);
        Assert.Contains("suppressed", suppressed.Delivery?.LastError, StringComparison.Ordinal);
        Assert.Equal(0, suppressed.Delivery?.Attempts);
    }

    [Fact(Timeout = 120_000)]
    public async Task A_connection_dropped_mid_data_and_a_stalled_server_are_retried()
    {
        var ct = TestContext.Current.CancellationToken;
        var dropped = TestAddresses.Unique("dropped");
        var stalled = TestAddresses.Unique("stalled");
        await Stack.Smtp.AddFaultAsync(new SmtpFault(dropped, Action: "drop", Times: 1), ct);
        await Stack.Smtp.AddFaultAsync(new SmtpFault(stalled, Action: "stall", Seconds: 12, Times: 1), ct);
        var first = await DeliverNowAsync(dropped, TestAddresses.Unique("owner"), ct);
        var second = await DeliverNowAsync(stalled, TestAddresses.Unique("owner"), ct);

        Assert.Single(await Mail.ForAsync(Stack, dropped, 1, TimeSpan.FromSeconds(30), ct));
        Assert.Single(await Mail.ForAsync(Stack, stalled, 1, TimeSpan.FromSeconds(45), ct));
        foreach (var board in new[] { first, second })
        {
            var details = await Stack.DispatchAsync(AdminCalls.DeliveryId(board.Id), ct);
            Assert.Equal("Sent", details.Dispatch.Status);
            Assert.Equal(2, details.Dispatch.Attempts);
            Assert.Equal("transient", details.Attempts[0].Outcome);
        }
    }

    [Fact(Timeout = 120_000)]
    public async Task Five_concurrent_enqueues_of_one_id_send_one_email()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var grains = await GrainClient.ConnectAsync(Stack, ct);
        var recipient = TestAddresses.Unique("once");
        var id = $"test-once/{Guid.NewGuid():N}";
        var message = new EmailMessage([new Mailbox("Once", recipient)], "Only once", "<p>once</p>", "once", EmailTypes.OwnerNotice, null);

        var views = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => grains.Client.GetGrain<IEmailDispatchGrain>(id).EnqueueAsync(message)));

        Assert.All(views, v => Assert.Equal(id, v.Id));
        Assert.Single(await Mail.ForAsync(Stack, recipient, 1, TimeSpan.FromSeconds(15), ct));
        Assert.Single(await Mail.ForAsync(Stack, recipient, 2, KudosStack.ReminderPeriod * 2, ct));
    }

    [Fact(Timeout = 120_000)]
    public async Task A_scheduled_dispatch_can_be_cancelled_before_it_is_sent_and_a_sent_one_cannot()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var grains = await GrainClient.ConnectAsync(Stack, ct);
        var recipient = TestAddresses.Unique("later");
        var id = $"test-later/{Guid.NewGuid():N}";
        var message = new EmailMessage([new Mailbox("Later", recipient)], "Later", "<p>later</p>", "later", EmailTypes.Reminder, null, ScheduledFor: DateTimeOffset.UtcNow.AddSeconds(4));
        Assert.Equal(DispatchStatus.Pending, (await grains.Client.GetGrain<IEmailDispatchGrain>(id).EnqueueAsync(message)).Status);

        using var cancel = await Stack.Http.SendAsync(Stack.Request(HttpMethod.Delete, $"/api/admin/dispatches/{id}", StackFixture.AdminKey), ct);
        Assert.Equal("Cancelled", (await Api.ReadAsync<DispatchDto>(cancel, HttpStatusCode.OK, ct)).Status);
        Assert.Empty(await Mail.ForAsync(Stack, recipient, 1, TimeSpan.FromSeconds(4) + (KudosStack.ReminderPeriod * 2), ct));

        var board = await DeliverNowAsync(TestAddresses.Unique("sent"), TestAddresses.Unique("owner"), ct);
        await DeliveryEndsAsync(board, "Sent", ct);
        using var late = await Stack.Http.SendAsync(Stack.Request(HttpMethod.Delete, $"/api/admin/dispatches/{AdminCalls.DeliveryId(board.Id)}", StackFixture.AdminKey), ct);
        Assert.Equal("dispatch_not_cancellable", (await Api.ProblemAsync(late, HttpStatusCode.Conflict, ct)).Code);
    }

    [Fact(Timeout = 120_000)]
    public async Task A_suppressed_recipient_is_never_sent_to_until_the_suppression_is_lifted()
    {
        var ct = TestContext.Current.CancellationToken;
        var recipient = TestAddresses.Unique("quiet");
        using (var add = await Stack.Http.SendAsync(Stack.Request(HttpMethod.Put, $"/api/admin/suppressions/{recipient}", StackFixture.AdminKey, new { reason = "Manual", detail = "asked by phone" }), ct))
        {
            Assert.Equal("Manual", (await Api.ReadAsync<SuppressionDto>(add, HttpStatusCode.OK, ct)).Reason);
        }

        using (var list = await Stack.Http.SendAsync(Stack.Request(HttpMethod.Get, "/api/admin/suppressions?limit=500", StackFixture.AdminKey), ct))
        {
            Assert.Contains(await Api.ReadAsync<List<SuppressionDto>>(list, HttpStatusCode.OK, ct), s => s.Address == recipient);
        }

        var owner = TestAddresses.Unique("owner");
        var board = await DeliverNowAsync(recipient, owner, ct);
        var view = await DeliveryEndsAsync(board, "Suppressed", ct);
        Assert.Contains("asked by phone", view.Delivery?.LastError, StringComparison.Ordinal);
        Assert.Single(await Mail.ForAsync(Stack, owner, 1, TimeSpan.FromSeconds(20), ct));
        Assert.Empty(await Stack.Smtp.WaitForMessagesAsync(1, TimeSpan.Zero, recipient, ct));

        using var remove = await Stack.Http.SendAsync(Stack.Request(HttpMethod.Delete, $"/api/admin/suppressions/{recipient}", StackFixture.AdminKey), ct);
        Assert.Equal(HttpStatusCode.NoContent, remove.StatusCode);
        using var gone = await Stack.Http.SendAsync(Stack.Request(HttpMethod.Get, $"/api/admin/suppressions/{recipient}", StackFixture.AdminKey), ct);
        await Api.ProblemAsync(gone, HttpStatusCode.NotFound, ct);
    }

    [Fact(Timeout = 120_000)]
    public async Task A_recipient_outside_the_allowed_list_is_held_listed_and_sent_on_release()
    {
        var ct = TestContext.Current.CancellationToken;
        var recipient = $"held-{Guid.NewGuid():N}@sandboxed.test";
        var owner = TestAddresses.Unique("owner");
        var board = await DeliverNowAsync(recipient, owner, ct);

        var view = await DeliveryEndsAsync(board, "Held", ct);
        Assert.Contains("AllowedRecipients", view.Delivery?.LastError, StringComparison.Ordinal);
        var notice = await Mail.ForAsync(Stack, owner, 1, TimeSpan.FromSeconds(20), ct);
        Assert.Contains("held", Assert.Single(notice).Subject, StringComparison.Ordinal);

        var id = AdminCalls.DeliveryId(board.Id);
        using (var held = await Stack.Http.SendAsync(Stack.Request(HttpMethod.Get, "/api/admin/held?limit=500", StackFixture.AdminKey), ct))
        {
            Assert.Contains(await Api.ReadAsync<List<DispatchDto>>(held, HttpStatusCode.OK, ct), d => d.Id == id);
        }

        using (var release = await Stack.Http.SendAsync(Stack.Request(HttpMethod.Post, "/api/admin/held/release", StackFixture.AdminKey, new { ids = new[] { id } }), ct))
        {
            Assert.Equal(HttpStatusCode.OK, release.StatusCode);
        }

        Assert.Single(await Mail.ForAsync(Stack, recipient, 1, TimeSpan.FromSeconds(20), ct));
        Assert.Equal("Sent", (await DeliveryEndsAsync(board, "Sent", ct)).Delivery?.Status);
        using var after = await Stack.Http.SendAsync(Stack.Request(HttpMethod.Get, "/api/admin/held?limit=500", StackFixture.AdminKey), ct);
        Assert.DoesNotContain(await Api.ReadAsync<List<DispatchDto>>(after, HttpStatusCode.OK, ct), d => d.Id == id);
    }

    [Fact(Timeout = 120_000)]
    public async Task A_sandboxed_providers_not_verified_reply_holds_instead_of_failing()
    {
        var ct = TestContext.Current.CancellationToken;
        var recipient = TestAddresses.Unique("unverified");
        await Stack.Smtp.AddFaultAsync(new SmtpFault(recipient, Stage: "rcpt", Code: 554, Message: "Message rejected: Email address is not verified."), ct);
        var board = await DeliverNowAsync(recipient, TestAddresses.Unique("owner"), ct);

        var view = await DeliveryEndsAsync(board, "Held", ct);
        Assert.Contains("not verified", view.Delivery?.ServerReply, StringComparison.Ordinal);
    }

    [Fact(Timeout = 30_000)]
    public async Task The_admin_api_refuses_a_missing_or_wrong_key()
    {
        var ct = TestContext.Current.CancellationToken;
        foreach (var key in new[] { null, "wrong", StackFixture.AdminKey + "x" })
        {
            using var response = await Stack.Http.SendAsync(Stack.Request(HttpMethod.Get, "/api/admin/held", key), ct);
            await Api.ProblemAsync(response, HttpStatusCode.Unauthorized, ct);
        }

        using var owner = await Stack.Http.SendAsync(Stack.Request(HttpMethod.Post, "/api/admin/held/release", StackFixture.AdminKey, new { ids = Array.Empty<string>() }), ct);
        await Api.ProblemAsync(owner, HttpStatusCode.BadRequest, ct);
    }

    [Fact(Timeout = 120_000)]
    public async Task The_owner_is_told_when_the_board_was_delivered()
    {
        var ct = TestContext.Current.CancellationToken;
        var owner = TestAddresses.Unique("owner");
        await DeliverNowAsync(TestAddresses.Unique("happy"), owner, ct);
        var notice = Assert.Single(await Mail.ForAsync(Stack, owner, 1, TimeSpan.FromSeconds(20), ct));
        Assert.Contains("was delivered", notice.Subject, StringComparison.Ordinal);
    }
}
