using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Kudos.EndToEndTests.Infrastructure;
using Kudos.Testing;
using Xunit;

namespace Kudos.EndToEndTests;

/// <summary>A stack with the product's default, <c>Owners:RequireConfirmation=true</c>, and a small invitation quota.</summary>
public sealed class OwnerStackFixture : IAsyncLifetime
{
    public const int InvitationsPerDay = 150;

    public KudosStack Stack { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var settings = new Dictionary<string, string>(KudosStack.RequireOwnerConfirmation)
        {
            ["Admin__Key"] = StackFixture.AdminKey,
            ["Owners__Quotas__InvitationsPerDay"] = InvitationsPerDay.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        Stack = await KudosStack.StartAsync("owners", cts.Token, settings);
    }

    public async ValueTask DisposeAsync() => await Stack.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class OwnerStackCollection : ICollectionFixture<OwnerStackFixture>
{
    public const string Name = "owner-stack";
}

public sealed record OwnerConfirmedDto(Guid BoardId, string OwnerEmail, string OwnerCredential, string Status);

public sealed record OwnedBoardDto(Guid Id, string Title, string Status, DateTimeOffset CreatedAt, bool OwnerConfirmationPending);

public sealed record OwnerFlagsDto(string Status, bool OwnerConfirmationPending, bool InvitationsHeld, int WaitingEmails);

/// <summary>
/// Verified owners, with the product's default settings: a new owner address confirms by email before the product emails
/// anyone else for it; confirming issues the owner credential that creates further boards without asking again.
/// </summary>
[Collection(OwnerStackCollection.Name)]
public sealed partial class OwnerConfirmationTests(OwnerStackFixture fixture)
{
    private KudosStack Stack => fixture.Stack;

    private static object Board(string owner, string recipient, DateTimeOffset? deliverAt, IReadOnlyList<string>? invitees = null) => new
    {
        title = "Thank you, Ada",
        recipientName = "Ada Lovelace",
        recipientEmail = recipient,
        ownerName = "Grace",
        ownerEmail = owner,
        deliverAt = deliverAt?.ToString("O"),
        timeZone = "Europe/Paris",
        contributorEmails = invitees,
    };

    private async Task<(BoardCreatedDto Board, bool ConfirmationRequired)> CreateAsync(object body, string? credential, CancellationToken ct)
    {
        using var response = await Stack.Http.SendAsync(Stack.Request(HttpMethod.Post, "/api/boards", credential, body), ct);
        var created = await Api.ReadAsync<BoardCreatedDto>(response, HttpStatusCode.Created, ct);
        var required = (await response.Content.ReadFromJsonAsync<Dictionary<string, object>>(Api.Json, ct))!["ownerConfirmationRequired"].ToString() == "True";
        return (created, required);
    }

    private async Task<OwnerFlagsDto> FlagsAsync(Guid id, string key, CancellationToken ct)
    {
        using var response = await Stack.Http.SendAsync(Stack.Request(HttpMethod.Get, $"/api/boards/{id}", key), ct);
        return await Api.ReadAsync<OwnerFlagsDto>(response, HttpStatusCode.OK, ct);
    }

    /// <summary>The confirmation links emailed to <paramref name="owner"/>, waiting for at least <paramref name="count"/>.</summary>
    private async Task<IReadOnlyList<(Guid Board, string Token, string Subject)>> ConfirmationLinksAsync(string owner, int count, CancellationToken ct)
    {
        var mails = await Stack.Smtp.WaitForMessagesAsync(count, TimeSpan.FromSeconds(30), owner, ct);
        Assert.True(mails.Count >= count, $"Expected {count} confirmation emails to {owner}, got {mails.Count}.");
        return [.. mails.Select(m =>
        {
            var text = m.Parse().TextBody ?? "";
            var link = ConfirmLink().Match(text);
            Assert.True(link.Success, $"No confirmation link in:\n{text}");
            return (Guid.ParseExact(link.Groups["id"].Value, "N"), link.Groups["token"].Value, m.Subject ?? "");
        })];
    }

    private async Task<HttpResponseMessage> ConfirmAsync(Guid board, string token, CancellationToken ct) =>
        await Stack.Http.SendAsync(Stack.Request(HttpMethod.Post, $"/api/boards/{board}/owner-confirmation", json: new { token }), ct);

    private async Task<DispatchDto> DispatchAsync(string id, CancellationToken ct)
    {
        using var response = await Stack.Http.SendAsync(Stack.Request(HttpMethod.Get, $"/api/admin/dispatches/{id}", StackFixture.AdminKey), ct);
        return response.StatusCode == HttpStatusCode.NotFound
            ? new DispatchDto(id, "None", 0, null, null, null, null, 0)
            : (await Api.ReadAsync<DispatchDetailsDto>(response, HttpStatusCode.OK, ct)).Dispatch;
    }

    [Fact(Timeout = 120_000)]
    public async Task An_unconfirmed_owners_board_with_100_invitees_sends_only_the_confirmation_until_it_is_used_then_the_invitations()
    {
        var ct = TestContext.Current.CancellationToken;
        var owner = TestAddresses.Unique("grace");
        var invitees = Enumerable.Range(0, 100).Select(i => TestAddresses.Unique($"guest{i}")).ToList();
        var (board, required) = await CreateAsync(Board(owner, TestAddresses.Unique("ada"), DateTimeOffset.UtcNow.AddDays(2), invitees), null, ct);
        Assert.True(required);

        var (linkBoard, token, subject) = (await ConfirmationLinksAsync(owner, 1, ct)).Single();
        Assert.Equal(board.Id, linkBoard);
        Assert.StartsWith("Confirm your address", subject, StringComparison.Ordinal);

        // Recorded, not sent: the board's hand-off ran when it sent the confirmation, and no invitation was in it.
        var flags = await FlagsAsync(board.Id, board.OwnerKey, ct);
        Assert.Equal((true, 100), (flags.OwnerConfirmationPending, flags.WaitingEmails));
        var invitationId = (await Stack.OwnerViewAsync(board, ct)).Invitees![0].InvitationDispatchId;
        Assert.Equal("None", (await DispatchAsync(invitationId, ct)).Status);
        Assert.Empty(await Stack.Smtp.WaitForMessagesAsync(1, TimeSpan.Zero, invitees[0], ct));

        // Scanner-safe: fetching the link's page confirms nothing.
        using (var page = await Stack.Http.GetAsync(new Uri($"/confirm/{board.Id:N}", UriKind.Relative), ct))
        {
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        }

        Assert.True((await FlagsAsync(board.Id, board.OwnerKey, ct)).OwnerConfirmationPending);

        // A wrong token is an unknown link; the right one confirms once and returns the owner credential.
        using (var wrong = await ConfirmAsync(board.Id, Kudos.Grains.Security.CapabilityKeys.New(), ct))
        {
            Assert.Equal("not_found", (await Api.ProblemAsync(wrong, HttpStatusCode.NotFound, ct)).Code);
        }

        using (var confirmed = await ConfirmAsync(board.Id, token, ct))
        {
            var result = await Api.ReadAsync<OwnerConfirmedDto>(confirmed, HttpStatusCode.OK, ct);
            Assert.StartsWith("oc_", result.OwnerCredential, StringComparison.Ordinal);
            Assert.Equal("no-store", confirmed.Headers.CacheControl?.ToString());
        }

        using (var again = await ConfirmAsync(board.Id, token, ct))
        {
            Assert.Equal("owner_already_confirmed", (await Api.ProblemAsync(again, HttpStatusCode.Conflict, ct)).Code);
        }

        var received = await Task.WhenAll(invitees.Select(i => Stack.Smtp.WaitForMessagesAsync(1, TimeSpan.FromSeconds(60), i, ct)));
        Assert.All(received, r => Assert.Single(r));
        var released = await FlagsAsync(board.Id, board.OwnerKey, ct);
        Assert.Equal((false, 0), (released.OwnerConfirmationPending, released.WaitingEmails));
        Assert.Single(await Stack.Smtp.WaitForMessagesAsync(2, TimeSpan.Zero, owner, ct));
    }

    [Fact(Timeout = 120_000)]
    public async Task A_delivery_instant_that_passes_unconfirmed_keeps_the_board_sealed_until_the_owner_confirms_then_it_goes_out_at_once()
    {
        var ct = TestContext.Current.CancellationToken;
        var owner = TestAddresses.Unique("grace");
        var recipient = TestAddresses.Unique("ada");
        var (board, _) = await CreateAsync(Board(owner, recipient, DateTimeOffset.UtcNow.AddSeconds(4)), null, ct);
        await Stack.AddCardAsync(board, "Alan", "Thank you!", ct);

        // At the instant the owner gets a second email, with a new link; the first stops working.
        var links = await ConfirmationLinksAsync(owner, 2, ct);
        Assert.StartsWith("Action needed", links[1].Subject, StringComparison.Ordinal);
        var flags = await FlagsAsync(board.Id, board.OwnerKey, ct);
        Assert.Equal(("AwaitingOwnerConfirmation", true), (flags.Status, flags.OwnerConfirmationPending));

        // Sealed, closed, and not deliverable by hand either; contributors see why.
        using (var summary = await Stack.Http.SendAsync(Stack.Request(HttpMethod.Get, $"/api/boards/{board.Id}/summary", board.ContributeKey), ct))
        {
            Assert.Contains("\"AwaitingOwnerConfirmation\"", await summary.Content.ReadAsStringAsync(ct), StringComparison.Ordinal);
        }

        using (var cards = await Stack.Http.SendAsync(Stack.Request(HttpMethod.Get, $"/api/boards/{board.Id}/cards", board.ContributeKey), ct))
        {
            Assert.Equal(HttpStatusCode.Forbidden, cards.StatusCode);
        }

        using (var deliver = await Stack.Http.SendAsync(Stack.Request(HttpMethod.Post, $"/api/boards/{board.Id}/deliver?confirmFewCards=true", board.OwnerKey), ct))
        {
            Assert.Equal("owner_unconfirmed", (await Api.ProblemAsync(deliver, HttpStatusCode.Conflict, ct)).Code);
        }

        Assert.Empty(await Stack.Smtp.WaitForMessagesAsync(1, TimeSpan.Zero, recipient, ct));
        using (var stale = await ConfirmAsync(board.Id, links[0].Token, ct))
        {
            Assert.Equal(HttpStatusCode.NotFound, stale.StatusCode);
        }

        using (var confirmed = await ConfirmAsync(board.Id, links[1].Token, ct))
        {
            Assert.Equal(HttpStatusCode.OK, confirmed.StatusCode);
        }

        Assert.Single(await Stack.Smtp.WaitForMessagesAsync(1, TimeSpan.FromSeconds(30), recipient, ct));
        Assert.Equal("Delivered", (await FlagsAsync(board.Id, board.OwnerKey, ct)).Status);
    }

    [Fact(Timeout = 120_000)]
    public async Task Confirming_before_the_instant_delivers_at_the_instant()
    {
        var ct = TestContext.Current.CancellationToken;
        var owner = TestAddresses.Unique("grace");
        var recipient = TestAddresses.Unique("ada");
        var deliverAt = DateTimeOffset.UtcNow.AddSeconds(6);
        var (board, _) = await CreateAsync(Board(owner, recipient, deliverAt), null, ct);
        var link = (await ConfirmationLinksAsync(owner, 1, ct)).Single();
        using (var confirmed = await ConfirmAsync(board.Id, link.Token, ct))
        {
            Assert.Equal("Scheduled", (await Api.ReadAsync<OwnerConfirmedDto>(confirmed, HttpStatusCode.OK, ct)).Status);
        }

        var delivered = Assert.Single(await Stack.Smtp.WaitForMessagesAsync(1, TimeSpan.FromSeconds(30), recipient, ct));
        Assert.True(delivered.ReceivedAt >= deliverAt, $"Delivered {delivered.ReceivedAt:O}, before its instant {deliverAt:O}.");
    }

    [Fact(Timeout = 120_000)]
    public async Task The_owner_credential_skips_confirmation_for_its_address_only_lists_the_boards_and_can_be_revoked()
    {
        var ct = TestContext.Current.CancellationToken;
        var owner = TestAddresses.Unique("grace");
        var (first, _) = await CreateAsync(Board(owner, TestAddresses.Unique("ada"), DateTimeOffset.UtcNow.AddDays(2)), null, ct);
        var link = (await ConfirmationLinksAsync(owner, 1, ct)).Single();
        using var confirmedResponse = await ConfirmAsync(first.Id, link.Token, ct);
        var credential = (await Api.ReadAsync<OwnerConfirmedDto>(confirmedResponse, HttpStatusCode.OK, ct)).OwnerCredential;

        // With the credential: no confirmation, and the invitation leaves at once.
        var invitee = TestAddresses.Unique("guest");
        var (second, required) = await CreateAsync(Board(owner, TestAddresses.Unique("ada"), DateTimeOffset.UtcNow.AddDays(2), [invitee]), credential, ct);
        Assert.False(required);
        Assert.Single(await Stack.Smtp.WaitForMessagesAsync(1, TimeSpan.FromSeconds(30), invitee, ct));

        // The credential is for its address only; a stranger who merely types the address is asked to confirm again.
        using (var other = await Stack.Http.SendAsync(Stack.Request(HttpMethod.Post, "/api/boards", credential, Board(TestAddresses.Unique("mallory"), TestAddresses.Unique("ada"), null)), ct))
        {
            Assert.Equal("owner_credential_invalid", (await Api.ProblemAsync(other, HttpStatusCode.Unauthorized, ct)).Code);
            Assert.Contains("Bearer", other.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        }

        var (stranger, strangerRequired) = await CreateAsync(Board(owner, TestAddresses.Unique("ada"), null), null, ct);
        Assert.True(strangerRequired);

        // The credential opens the owner's boards (the lost-link case) and lists them, newest first.
        Assert.Equal("Scheduled", (await FlagsAsync(first.Id, credential, ct)).Status);
        using (var list = await Stack.Http.SendAsync(Stack.Request(HttpMethod.Get, "/api/owners/me/boards", credential), ct))
        {
            var boards = await Api.ReadAsync<List<OwnedBoardDto>>(list, HttpStatusCode.OK, ct);
            Assert.Equal([stranger.Id, second.Id, first.Id], boards.Select(b => b.Id));
            Assert.Equal([true, false, false], boards.Select(b => b.OwnerConfirmationPending));
        }

        using (var revoke = await Stack.Http.SendAsync(Stack.Request(HttpMethod.Delete, "/api/owners/me/credentials", credential), ct))
        {
            Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        }

        using (var after = await Stack.Http.SendAsync(Stack.Request(HttpMethod.Get, "/api/owners/me/boards", credential), ct))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
        }

        using (var board = await Stack.Http.SendAsync(Stack.Request(HttpMethod.Get, $"/api/boards/{first.Id}", credential), ct))
        {
            Assert.Equal(HttpStatusCode.NotFound, board.StatusCode);
        }
    }

    [Fact(Timeout = 120_000)]
    public async Task Owner_quotas_answer_429_naming_the_quota_with_retry_after()
    {
        var ct = TestContext.Current.CancellationToken;
        var owner = TestAddresses.Unique("grace");
        for (var i = 0; i < 5; i++)
        {
            await CreateAsync(Board(owner, TestAddresses.Unique("ada"), null), null, ct);
        }

        using (var sixth = await Stack.Http.SendAsync(Stack.Request(HttpMethod.Post, "/api/boards", json: Board(owner, TestAddresses.Unique("ada"), null)), ct))
        {
            Assert.Equal("quota_unconfirmed_boards_per_day", (await Api.ProblemAsync(sixth, HttpStatusCode.TooManyRequests, ct)).Code);
            Assert.True(sixth.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        }

        // Five confirmation emails went to the address (the refused sixth board recorded nothing).
        Assert.Equal(5, (await Stack.Smtp.WaitForMessagesAsync(5, TimeSpan.FromSeconds(30), owner, ct)).Count);

        // Invitations per day (150 here), counted across the owner's boards: a request that would pass it changes nothing.
        var hopper = TestAddresses.Unique("hopper");
        static List<string> Guests(int count) => [.. Enumerable.Range(0, count).Select(i => TestAddresses.Unique($"g{i}"))];
        await CreateAsync(Board(hopper, TestAddresses.Unique("ada"), DateTimeOffset.UtcNow.AddDays(2), Guests(60)), null, ct);
        var (board, _) = await CreateAsync(Board(hopper, TestAddresses.Unique("ada"), DateTimeOffset.UtcNow.AddDays(2), Guests(40)), null, ct);
        using (var invite = await Stack.Http.SendAsync(Stack.Request(HttpMethod.Post, $"/api/boards/{board.Id}/invitations", board.OwnerKey, new { contributeKey = board.ContributeKey, emails = Guests(51) }), ct))
        {
            var problem = await Api.ProblemAsync(invite, HttpStatusCode.TooManyRequests, ct);
            Assert.Equal("quota_invitations_per_day", problem.Code);
            Assert.Contains($"{OwnerStackFixture.InvitationsPerDay} invitations a day", problem.Detail, StringComparison.Ordinal);
        }

        Assert.Equal(40, (await Stack.OwnerViewAsync(board, ct)).Invitees!.Count);
        using (var third = await Stack.Http.SendAsync(Stack.Request(HttpMethod.Post, "/api/boards", json: Board(hopper, TestAddresses.Unique("ada"), null, Guests(51))), ct))
        {
            Assert.Equal("quota_invitations_per_day", (await Api.ProblemAsync(third, HttpStatusCode.TooManyRequests, ct)).Code);
        }

        // The 50 left of the quota still fit.
        using (var fits = await Stack.Http.SendAsync(Stack.Request(HttpMethod.Post, $"/api/boards/{board.Id}/invitations", board.OwnerKey, new { contributeKey = board.ContributeKey, emails = Guests(50) }), ct))
        {
            Assert.Equal(HttpStatusCode.OK, fits.StatusCode);
        }
    }

    [GeneratedRegex(@"/confirm/(?<id>[0-9a-f]{32})#t=(?<token>[A-Za-z0-9_-]{43})")]
    private static partial Regex ConfirmLink();
}
