using System.Net;
using Kudos.EndToEndTests.Infrastructure;
using Kudos.Testing;
using Xunit;

namespace Kudos.EndToEndTests;

[Collection(StackCollection.Name)]
public sealed class SecurityHeadersTests(StackFixture fixture)
{
    private KudosStack Stack => fixture.Stack;

    [Fact(Timeout = 60_000)]
    public async Task Every_api_answer_forbids_sniffing_and_referrers_and_answers_carrying_keys_are_never_stored()
    {
        var ct = TestContext.Current.CancellationToken;
        var board = await Stack.CreateBoardAsync(Api.NewBoard(TestAddresses.Unique("headers"), DateTimeOffset.UtcNow.AddDays(1)), ct);
        var card = await Stack.AddCardAsync(board, "Alan", "Hi", ct);

        (HttpMethod Method, string Path, string? Key, object? Body, HttpStatusCode Status)[] calls =
        [
            (HttpMethod.Post, "/api/boards", null, Api.NewBoard(TestAddresses.Unique("headers"), null), HttpStatusCode.Created),
            (HttpMethod.Post, $"/api/boards/{board.Id}/cards", board.ContributeKey, new { authorName = "Grace", message = "Hi" }, HttpStatusCode.Created),
            (HttpMethod.Get, $"/api/boards/{board.Id}", board.OwnerKey, null, HttpStatusCode.OK),
            (HttpMethod.Get, $"/api/boards/{board.Id}/summary", board.ContributeKey, null, HttpStatusCode.OK),
            (HttpMethod.Get, $"/api/boards/{board.Id}/cards/{card.CardId}", card.CardKey, null, HttpStatusCode.OK),
            (HttpMethod.Get, $"/api/boards/{board.Id}", "wrong-key", null, HttpStatusCode.NotFound),
            (HttpMethod.Post, "/api/boards", null, new { title = 5 }, HttpStatusCode.BadRequest),
            (HttpMethod.Get, "/api/nothing-here", null, null, HttpStatusCode.NotFound),
            (HttpMethod.Get, "/api/admin/held", null, null, HttpStatusCode.Unauthorized),
        ];
        foreach (var (method, path, key, body, status) in calls)
        {
            using var response = await Stack.Http.SendAsync(Stack.Request(method, path, key, body), ct);
            var what = $"{method} {path} ({(int)response.StatusCode})";
            Assert.True(status == response.StatusCode, $"{what}: expected {(int)status}.");
            Assert.True(response.Headers.TryGetValues("X-Content-Type-Options", out var nosniff) && nosniff.SequenceEqual(["nosniff"]), $"{what}: X-Content-Type-Options");
            Assert.True(response.Headers.TryGetValues("Referrer-Policy", out var referrer) && referrer.SequenceEqual(["no-referrer"]), $"{what}: Referrer-Policy");
            Assert.True(response.Headers.CacheControl?.NoStore == true, $"{what}: Cache-Control was '{response.Headers.CacheControl}', expected no-store.");
        }

        // The web client's files keep their own revalidating policy, with the same two headers.
        using var page = await Stack.Http.GetAsync("/", ct);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("no-cache", page.Headers.CacheControl?.ToString());
        Assert.Equal(["nosniff"], page.Headers.GetValues("X-Content-Type-Options"));
        Assert.Equal(["no-referrer"], page.Headers.GetValues("Referrer-Policy"));
    }
}
