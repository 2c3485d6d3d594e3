using System.Net;
using Kudos.EndToEndTests.Infrastructure;
using Kudos.Testing;
using Xunit;

namespace Kudos.EndToEndTests;

/// <summary>Signed provider events: verified, recorded once, applied without moving a status backwards, fed back into suppressions.</summary>
[Collection(StackCollection.Name)]
public sealed class WebhookTests(StackFixture fixture)
{
    private KudosStack Stack => fixture.Stack;

    private async Task<(BoardCreatedDto Board, string Recipient, string ProviderId, string Owner)> DeliveredBoardAsync(CancellationToken ct, string? to = null)
    {
        var recipient = to ?? TestAddresses.Unique("events");
        var owner = TestAddresses.Unique("owner");
        var board = await Stack.CreateBoardAsync(Api.NewBoard(recipient, deliverAt: null, ownerEmail: owner), ct);
        using (var deliver = await Stack.Http.SendAsync(Stack.Request(HttpMethod.Post, $"/api/boards/{board.Id}/deliver?confirmFewCards=true", board.OwnerKey), ct))
        {
            Assert.Equal(HttpStatusCode.OK, deliver.StatusCode);
        }

        // The provider id and its index entry are stored before the silo announces the send.
        await Stack.WaitForDispatchAsync(AdminCalls.DeliveryId(board.Id), "Sent", TimeSpan.FromSeconds(20), ct);
        var sent = await Stack.DispatchAsync(AdminCalls.DeliveryId(board.Id), ct);
        Assert.True(sent.Dispatch.ProviderMessageId is not null, $"Board {board.Id}: no provider id after sending ({sent.Dispatch.Status}, {sent.Dispatch.ServerReply}).");
        return (board, recipient, sent.Dispatch.ProviderMessageId!, owner);
    }

    /// <summary>The admin view of a recorded event, read once the silo announced its processing (or the wait ended).</summary>
    private async Task<string> EventOnceProcessedAsync(string webhookId, CancellationToken ct)
    {
        await Provider.WaitProcessedAsync(Stack, webhookId, TimeSpan.FromSeconds(15), ct);
        using var response = await Stack.Http.SendAsync(Stack.Request(HttpMethod.Get, $"/api/admin/webhook-events/{webhookId}", StackFixture.AdminKey), ct);
        return await response.Content.ReadAsStringAsync(ct);
    }

    private async Task<WebhookReceiptDto> PostAsync(string id, string json, CancellationToken ct, string secret = StackFixture.WebhookSecret, bool svix = false)
    {
        using var response = await Provider.PostAsync(Stack, id, json, secret, ct, svix);
        return await Api.ReadAsync<WebhookReceiptDto>(response, HttpStatusCode.OK, ct);
    }

    [Fact(Timeout = 120_000)]
    public async Task Events_apply_once_never_move_a_status_back_and_a_hard_bounce_suppresses_the_address()
    {
        var ct = TestContext.Current.CancellationToken;
        var (board, recipient, providerId, owner) = await DeliveredBoardAsync(ct);
        var now = DateTimeOffset.UtcNow;
        var prefix = Guid.NewGuid().ToString("N");

        await PostAsync($"{prefix}-1", Provider.Event("email.delivered", providerId, recipient, now), ct);
        await PostAsync($"{prefix}-2", Provider.Event("email.opened", providerId, recipient, now.AddSeconds(1)), ct, svix: true);
        await PostAsync($"{prefix}-3", Provider.Event("email.bounced", providerId, recipient, now.AddSeconds(2), "Permanent"), ct, secret: StackFixture.RotatedWebhookSecret);
        var duplicate = await PostAsync($"{prefix}-3", Provider.Event("email.bounced", providerId, recipient, now.AddSeconds(2), "Permanent"), ct);
        Assert.True(duplicate.Duplicate);
        // Arrives late, out of order: must not erase the bounce.
        await PostAsync($"{prefix}-4", Provider.Event("email.delivered", providerId, recipient, now.AddSeconds(-1)), ct);

        foreach (var n in new[] { 1, 2, 3, 4 })
        {
            await Provider.WaitProcessedAsync(Stack, $"{prefix}-{n}", TimeSpan.FromSeconds(20), ct);
        }

        var details = await Stack.DispatchAsync(AdminCalls.DeliveryId(board.Id), ct);
        Assert.Equal(4, details.Events?.Count);
        Assert.Equal("Bounced", details.Dispatch.Status);
        Assert.Equal(1, details.Dispatch.Opens);
        Assert.Single(details.Events!, e => e.Type == "email.bounced");

        // The board records the bounce in the same write that queues the owner's notice: "delivered", then "bounced".
        Assert.Equal(2, (await Mail.ForAsync(Stack, owner, 2, TimeSpan.FromSeconds(10), ct)).Count);
        var view = await Stack.OwnerViewAsync(board, ct);
        Assert.Equal("Bounced", view.Delivery?.Status);
        Assert.True(view.Delivery?.RecipientAddressInvalid);

        using (var suppression = await Stack.Http.SendAsync(Stack.Request(HttpMethod.Get, $"/api/admin/suppressions/{recipient}", StackFixture.AdminKey), ct))
        {
            Assert.Equal("Bounce", (await Api.ReadAsync<SuppressionDto>(suppression, HttpStatusCode.OK, ct)).Reason);
        }

        // The next send to that address ends Suppressed.
        var next = await Stack.CreateBoardAsync(Api.NewBoard(recipient, deliverAt: null), ct);
        using (var deliver = await Stack.Http.SendAsync(Stack.Request(HttpMethod.Post, $"/api/boards/{next.Id}/deliver?confirmFewCards=true", next.OwnerKey), ct))
        {
            Assert.Equal(HttpStatusCode.OK, deliver.StatusCode);
        }

        Assert.Equal("Suppressed", (await Stack.OwnerViewOnceDeliveryIsAsync(next, "Suppressed", TimeSpan.FromSeconds(15), ct)).Delivery?.Status);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_complaint_suppresses_and_an_event_for_an_unknown_message_is_kept()
    {
        var ct = TestContext.Current.CancellationToken;
        var (board, recipient, providerId, _) = await DeliveredBoardAsync(ct);
        await PostAsync(Guid.NewGuid().ToString("N"), Provider.Event("email.complained", providerId, recipient, DateTimeOffset.UtcNow), ct);
        Assert.Equal("Complained", (await Stack.OwnerViewOnceDeliveryIsAsync(board, "Complained", TimeSpan.FromSeconds(15), ct)).Delivery?.Status);
        using (var suppression = await Stack.Http.SendAsync(Stack.Request(HttpMethod.Get, $"/api/admin/suppressions/{recipient}", StackFixture.AdminKey), ct))
        {
            Assert.Equal("Complaint", (await Api.ReadAsync<SuppressionDto>(suppression, HttpStatusCode.OK, ct)).Reason);
        }

        var orphan = Guid.NewGuid().ToString("N");
        await PostAsync(orphan, Provider.Event("email.delivered", "no-such-message-" + orphan, "x@example.test", DateTimeOffset.UtcNow), ct);
        Assert.Contains("\"Unmatched\"", await EventOnceProcessedAsync(orphan, ct), StringComparison.Ordinal);
    }

    [Fact(Timeout = 120_000)]
    public async Task Soft_bounces_suppress_the_address_for_a_while_after_the_configured_count()
    {
        var ct = TestContext.Current.CancellationToken;
        var recipient = TestAddresses.Unique("soft");
        for (var i = 1; i <= 3; i++)
        {
            var (_, _, providerId, _) = await DeliveredBoardAsync(ct, recipient);
            var eventId = Guid.NewGuid().ToString("N");
            await PostAsync(eventId, Provider.Event("email.bounced", providerId, recipient, DateTimeOffset.UtcNow, "Transient"), ct);
            Assert.Contains("\"Applied\"", await EventOnceProcessedAsync(eventId, ct), StringComparison.Ordinal);
            // Applied means the dispatch counted the bounce at the address's suppression grain before answering.
            SuppressionDto? suppression;
            using (var response = await Stack.Http.SendAsync(Stack.Request(HttpMethod.Get, $"/api/admin/suppressions/{recipient}", StackFixture.AdminKey), ct))
            {
                suppression = response.StatusCode == HttpStatusCode.OK ? await Api.ReadAsync<SuppressionDto>(response, HttpStatusCode.OK, ct) : null;
            }

            if (i < 3)
            {
                Assert.True(suppression is null, $"Suppressed after only {i} soft bounce(s).");
            }
            else
            {
                Assert.Equal("Bounce", suppression?.Reason);
                Assert.True(suppression?.ExpiresAt > DateTimeOffset.UtcNow.AddDays(6), $"A soft-bounce suppression lasts 7 days by default: {suppression?.ExpiresAt}");
            }
        }
    }

    [Fact(Timeout = 60_000)]
    public async Task Unsigned_tampered_stale_and_future_events_are_401_and_record_nothing()
    {
        var ct = TestContext.Current.CancellationToken;
        var json = Provider.Event("email.delivered", "m-1", "x@example.test", DateTimeOffset.UtcNow);
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var cases = new (string Name, HttpRequestMessage Request)[]
        {
            ("wrong secret", Provider.Signed(Guid.NewGuid().ToString("N"), json, "whsec_" + Convert.ToBase64String(new byte[24]))),
            ("empty v1", Provider.Signed(Guid.NewGuid().ToString("N"), json, StackFixture.WebhookSecret, signature: "v1,")),
            ("stale", Provider.Signed(Guid.NewGuid().ToString("N"), json, StackFixture.WebhookSecret, timestamp: now - 400)),
            ("future", Provider.Signed(Guid.NewGuid().ToString("N"), json, StackFixture.WebhookSecret, timestamp: now + 400)),
        };
        var tampered = Provider.Signed(Guid.NewGuid().ToString("N"), json, StackFixture.WebhookSecret);
        tampered.Content = new StringContent(json.Replace("m-1", "m-2", StringComparison.Ordinal), System.Text.Encoding.UTF8, "application/json");
        var unsigned = new HttpRequestMessage(HttpMethod.Post, "/api/webhooks/email-events") { Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json") };

        foreach (var (name, request) in cases.Append(("tampered", tampered)).Append(("unsigned", unsigned)))
        {
            using (request)
            using (var response = await Stack.Http.SendAsync(request, ct))
            {
                var problem = await Api.ProblemAsync(response, HttpStatusCode.Unauthorized, ct);
                Assert.Contains("Nothing was recorded", problem.Detail, StringComparison.Ordinal);
            }

            var id = request.Headers.TryGetValues("webhook-id", out var ids) ? ids.Single() : null;
            if (id is not null)
            {
                using var lookup = await Stack.Http.SendAsync(Stack.Request(HttpMethod.Get, $"/api/admin/webhook-events/{id}", StackFixture.AdminKey), ct);
                Assert.True(lookup.StatusCode == HttpStatusCode.NotFound, $"{name}: the refused event was recorded.");
            }
        }
    }
}
