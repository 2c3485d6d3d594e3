using System.Net;
using Kudos.EndToEndTests.Infrastructure;
using Kudos.Testing;
using Xunit;

namespace Kudos.EndToEndTests;

/// <summary><c>Idempotency-Key</c> on the routes that create something: a retry is answered as the first time, nothing twice.</summary>
[Collection(StackCollection.Name)]
public sealed class IdempotencyTests(StackFixture fixture)
{
    private KudosStack Stack => fixture.Stack;

    private async Task<HttpResponseMessage> SendAsync(string path, string? key, object body, string? idempotencyKey, CancellationToken ct)
    {
        var request = Stack.Request(HttpMethod.Post, path, key, body);
        if (idempotencyKey is not null)
        {
            request.Headers.TryAddWithoutValidation("Idempotency-Key", idempotencyKey);
        }

        return await Stack.Http.SendAsync(request, ct);
    }

    private static string NewKey() => $"\"{Guid.NewGuid()}\"";

    [Fact(Timeout = 60_000)]
    public async Task A_retried_board_creation_returns_the_first_response_and_creates_nothing_more()
    {
        var ct = TestContext.Current.CancellationToken;
        var body = Api.NewBoard(TestAddresses.Unique("ada"), DateTimeOffset.UtcNow.AddDays(3));
        var key = NewKey();

        using var first = await SendAsync("/api/boards", null, body, key, ct);
        var created = await Api.ReadAsync<BoardCreatedDto>(first, HttpStatusCode.Created, ct);
        using var retry = await SendAsync("/api/boards", null, body, key, ct);
        var replayed = await Api.ReadAsync<BoardCreatedDto>(retry, HttpStatusCode.Created, ct);

        Assert.Equal(created, replayed);
        Assert.Equal(first.Headers.Location, retry.Headers.Location);
        Assert.Equal("Scheduled", (await Stack.OwnerViewAsync(replayed, ct)).Status);

        // Without the header nothing changes: each request is a new board.
        var a = await Stack.CreateBoardAsync(body, ct);
        var b = await Stack.CreateBoardAsync(body, ct);
        Assert.NotEqual(a.Id, b.Id);
        Assert.NotEqual(created.Id, a.Id);
    }

    [Fact(Timeout = 60_000)]
    public async Task The_same_key_with_another_body_is_a_422_problem_and_changes_nothing()
    {
        var ct = TestContext.Current.CancellationToken;
        var key = NewKey();
        var created = await Api.ReadAsync<BoardCreatedDto>(
            await SendAsync("/api/boards", null, Api.NewBoard(TestAddresses.Unique("ada"), null, title: "First"), key, ct), HttpStatusCode.Created, ct);

        using var reused = await SendAsync("/api/boards", null, Api.NewBoard(TestAddresses.Unique("ada"), null, title: "Second"), key, ct);
        var problem = await Api.ProblemAsync(reused, HttpStatusCode.UnprocessableEntity, ct);
        Assert.Equal("idempotency_key_reused", problem.Code);
        Assert.Equal("First", (await Stack.OwnerViewAsync(created, ct)).Title);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_retried_card_post_adds_one_card_and_keys_are_scoped_to_their_board()
    {
        var ct = TestContext.Current.CancellationToken;
        var board = await Stack.CreateBoardAsync(Api.NewBoard(TestAddresses.Unique("ada"), DateTimeOffset.UtcNow.AddDays(3)), ct);
        var other = await Stack.CreateBoardAsync(Api.NewBoard(TestAddresses.Unique("ada"), DateTimeOffset.UtcNow.AddDays(3)), ct);
        var card = new { authorName = "Alan", message = "Thank you!" };
        var key = NewKey();

        var first = await Api.ReadAsync<CardCreatedDto>(await SendAsync($"/api/boards/{board.Id}/cards", board.ContributeKey, card, key, ct), HttpStatusCode.Created, ct);
        var again = await Api.ReadAsync<CardCreatedDto>(await SendAsync($"/api/boards/{board.Id}/cards", board.ContributeKey, card, key, ct), HttpStatusCode.Created, ct);
        Assert.Equal(first, again);
        Assert.Equal(1, (await Stack.OwnerViewAsync(board, ct)).CardCount);

        // The card key the retry returned opens the card.
        using (var read = await Stack.Http.SendAsync(Stack.Request(HttpMethod.Get, $"/api/boards/{board.Id}/cards/{again.CardId}", again.CardKey), ct))
        {
            Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        }

        using (var changed = await SendAsync($"/api/boards/{board.Id}/cards", board.ContributeKey, new { authorName = "Alan", message = "Changed" }, key, ct))
        {
            Assert.Equal("idempotency_key_reused", (await Api.ProblemAsync(changed, HttpStatusCode.UnprocessableEntity, ct)).Code);
        }

        var elsewhere = await Api.ReadAsync<CardCreatedDto>(await SendAsync($"/api/boards/{other.Id}/cards", other.ContributeKey, card, key, ct), HttpStatusCode.Created, ct);
        Assert.NotEqual(first.CardId, elsewhere.CardId);
        Assert.NotEqual(first.CardKey, elsewhere.CardKey);
        Assert.Equal(1, (await Stack.OwnerViewAsync(board, ct)).CardCount);
        Assert.Equal(1, (await Stack.OwnerViewAsync(other, ct)).CardCount);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_retried_invitation_sends_each_invitation_once()
    {
        var ct = TestContext.Current.CancellationToken;
        var board = await Stack.CreateBoardAsync(Api.NewBoard(TestAddresses.Unique("ada"), DateTimeOffset.UtcNow.AddDays(3)), ct);
        var invitee = TestAddresses.Unique("invitee");
        var body = new { contributeKey = board.ContributeKey, emails = new[] { invitee } };
        var key = NewKey();

        var first = await Api.ReadAsync<List<InviteeDto>>(await SendAsync($"/api/boards/{board.Id}/invitations", board.OwnerKey, body, key, ct), HttpStatusCode.OK, ct);
        var again = await Api.ReadAsync<List<InviteeDto>>(await SendAsync($"/api/boards/{board.Id}/invitations", board.OwnerKey, body, key, ct), HttpStatusCode.OK, ct);
        Assert.Equal(first, again);
        Assert.Single(await Mail.ForAsync(Stack, invitee, 1, TimeSpan.FromSeconds(20), ct));
        var dispatch = await Stack.DispatchAsync(Assert.Single(again).InvitationDispatchId, ct);
        Assert.Equal(1, dispatch.Dispatch.Attempts);

        using var other = await SendAsync($"/api/boards/{board.Id}/invitations", board.OwnerKey, new { contributeKey = board.ContributeKey, emails = new[] { TestAddresses.Unique("else") } }, key, ct);
        Assert.Equal("idempotency_key_reused", (await Api.ProblemAsync(other, HttpStatusCode.UnprocessableEntity, ct)).Code);
    }

    [Theory(Timeout = 60_000)]
    [InlineData("short")]
    [InlineData("has a space in the middle of it")]
    public async Task A_malformed_key_is_a_400_problem_naming_the_header(string key)
    {
        var ct = TestContext.Current.CancellationToken;
        using var response = await SendAsync("/api/boards", null, Api.NewBoard(TestAddresses.Unique("ada"), null), key, ct);
        var problem = await Api.ProblemAsync(response, HttpStatusCode.BadRequest, ct);
        Assert.Contains("Idempotency-Key", problem.Detail, StringComparison.Ordinal);
    }
}
