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

    private async Task<(BoardCreatedDto Board, string Recipient, string ProviderId)> DeliveredBoardAsync(CancellationToken ct, string? to = null)
    {
        var recipient = to ?? TestAddresses.Unique("events");
        var board = await Stack.CreateBoardAsync(Api.NewBoard(recipient, deliverAt: null, ownerEmail: TestAddresses.Unique("owner")), ct);
        using (var deliver = await Stack.Http.SendAsync(Stack.Request(HttpMethod.Post, $"/api/boards/{board.Id}/deliver", board.OwnerKey), ct))
        {
            Assert.Equal(HttpStatusCode.OK, deliver.StatusCode);
        }

        var sent = await Eventually.MatchAsync(() => Stack.DispatchAsync(AdminCalls.DeliveryId(board.Id), ct), d => d.Dispatch.ProviderMessageId is not null, TimeSpan.FromSeconds(20), ct);
        Assert.True(sent.Dispatch.ProviderMessageId is not null, $"Board {board.Id}: no provider id after sending ({sent.Dispatch.Status}, {sent.Dispatch.ServerReply}).");
        return (board, recipient, sent.Dispatch.ProviderMessageId!);
    }

    /// <summary>The admin view of a recorded event, once its processing reached <paramref name="status"/> (or the wait ended).</summary>
    private Task<string> EventOnceProcessedAsync(string webhookId, string status, CancellationToken ct) => Eventually.MatchAsync(
        async () =>
        {
            using var response = await Stack.Http.SendAsync(Stack.Request(HttpMethod.Get, $"/api/admin/webhook-events/{webhookId}", StackFixture.AdminKey), ct);
            return await response.Content.ReadAsStringAsync(ct);
        },
        body => body.Contains($"\"{status}\"", StringComparison.Ordinal),
        TimeSpan.FromSeconds(15),
        ct);

    private async Task<WebhookReceiptDto> PostAsync(string id, string json, CancellationToken ct, string secret = StackFixture.WebhookSecret, bool svix = false)
    {
        using var response = await Provider.PostAsync(Stack, id, json, secret, ct, svix);
        return await Api.ReadAsync<WebhookReceiptDto>(response, HttpStatusCode.OK, ct);
    }

    [Fact(Timeout = 120_000)]
    public async Task Events_apply_once_never_move_a_status_back_and_a_hard_bounce_suppresses_the_address()
    {
        var ct = TestContext.Current.CancellationToken;
        var (board, recipient, providerId) = await DeliveredBoardAsync(ct);
        var now = DateTimeOffset.UtcNow;
        var prefix = Guid.NewGuid().ToString("N");

        await PostAsync($"{prefix}-1", Provider.Event("email.delivered", providerId, recipient, now), ct);
        await PostAsync($"{prefix}-2", Provider.Event("email.opened", providerId, recipient, now.AddSeconds(1)), ct, svix: true);
        await PostAsync($"{prefix}-3", Provider.Event("email.bounced", providerId, recipient, now.AddSeconds(2), "Permanent"), ct, secret: StackFixture.RotatedWebhookSecret);
        var duplicate = await PostAsync($"{prefix}-3", Provider.Event("email.bounced", providerId, recipient, now.AddSeconds(2), "Permanent"), ct);
        Assert.True(duplicate.Duplicate);
        // Arrives late, out of order: must not erase the bounce.
        await PostAsync($"{prefix}-4", Provider.Event("email.delivered", providerId, recipient, now.AddSeconds(-1)), ct);

        var details = await Eventually.MatchAsync(() => Stack.DispatchAsync(AdminCalls.DeliveryId(board.Id), ct), d => d.Events?.Count == 4, TimeSpan.FromSeconds(20), ct);
        Assert.Equal(4, details.Events?.Count);
        Assert.Equal("Bounced", details.Dispatch.Status);
        Assert.Equal(1, details.Dispatch.Opens);
        Assert.Single(details.Events!, e => e.Type == "email.bounced");

        var view = await Eventually.MatchAsync(() => Stack.OwnerViewAsync(board, ct), v => v.Delivery?.RecipientAddressInvalid == true, TimeSpan.FromSeconds(10), ct);
        Assert.Equal("Bounced", view.Delivery?.Status);
        Assert.True(view.Delivery?.RecipientAddressInvalid);

        using (var suppression = await Stack.Http.SendAsync(Stack.Request(HttpMethod.Get, $"/api/admin/suppressions/{recipient}", StackFixture.AdminKey), ct))
        {
            Assert.Equal("Bounce", (await Api.ReadAsync<SuppressionDto>(suppression, HttpStatusCode.OK, ct)).Reason);
        }

        // The next send to that address ends Suppressed.
        var next = await Stack.CreateBoardAsync(Api.NewBoard(recipient, deliverAt: null), ct);
        using (var deliver = await Stack.Http.SendAsync(Stack.Request(HttpMethod.Post, $"/api/boards/{next.Id}/deliver", next.OwnerKey), ct))
        {
            Assert.Equal(HttpStatusCode.OK, deliver.StatusCode);
        }

        Assert.Equal("Suppressed", (await Eventually.MatchAsync(() => Stack.OwnerViewAsync(next, ct), v => v.Delivery?.Status == "Suppressed", TimeSpan.FromSeconds(15), ct)).Delivery?.Status);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_complaint_suppresses_and_an_event_for_an_unknown_message_is_kept()
    {
        var ct = TestContext.Current.CancellationToken;
        var (board, recipient, providerId) = await DeliveredBoardAsync(ct);
        await PostAsync(Guid.NewGuid().ToString("N"), Provider.Event("email.complained", providerId, recipient, DateTimeOffset.UtcNow), ct);
        Assert.Equal("Complained", (await Eventually.MatchAsync(() => Stack.OwnerViewAsync(board, ct), v => v.Delivery?.Status == "Complained", TimeSpan.FromSeconds(15), ct)).Delivery?.Status);
        using (var suppression = await Stack.Http.SendAsync(Stack.Request(HttpMethod.Get, $"/api/admin/suppressions/{recipient}", StackFixture.AdminKey), ct))
        {
            Assert.Equal("Complaint", (await Api.ReadAsync<SuppressionDto>(suppression, HttpStatusCode.OK, ct)).Reason);
        }

        var orphan = Guid.NewGuid().ToString("N");
        await PostAsync(orphan, Provider.Event("email.delivered", "no-such-message-" + orphan, "x@example.test", DateTimeOffset.UtcNow), ct);
        Assert.Contains("\"Unmatched\"", await EventOnceProcessedAsync(orphan, "Unmatched", ct), StringComparison.Ordinal);
    }

    [Fact(Timeout = 120_000)]
    public async Task Soft_bounces_suppress_the_address_for_a_while_after_the_configured_count()
    {
        var ct = TestContext.Current.CancellationToken;
        var recipient = TestAddresses.Unique("soft");
        for (var i = 1; i <= 3; i++)
        {
            var (_, _, providerId) = await DeliveredBoardAsync(ct, recipient);
            var eventId = Guid.NewGuid().ToString("N");
            await PostAsync(eventId, Provider.Event("email.bounced", providerId, recipient, DateTimeOffset.UtcNow, "Transient"), ct);
            Assert.Contains("\"Applied\"", await EventOnceProcessedAsync(eventId, "Applied", ct), StringComparison.Ordinal);
            var suppression = await Eventually.MatchAsync(
                async () =>
                {
                    using var response = await Stack.Http.SendAsync(Stack.Request(HttpMethod.Get, $"/api/admin/suppressions/{recipient}", StackFixture.AdminKey), ct);
                    return response.StatusCode == HttpStatusCode.OK ? await Api.ReadAsync<SuppressionDto>(response, HttpStatusCode.OK, ct) : null;
                },
                s => s is not null || i < 3,
                TimeSpan.FromSeconds(10),
                ct);
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
