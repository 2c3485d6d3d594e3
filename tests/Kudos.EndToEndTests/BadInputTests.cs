using System.Net;
using System.Text;
using Kudos.EndToEndTests.Infrastructure;
using Kudos.Testing;
using Xunit;

namespace Kudos.EndToEndTests;

/// <summary>Every bad input is a 4xx RFC 9457 problem with a detail that helps, never a 500, and changes nothing.</summary>
[Collection(StackCollection.Name)]
public sealed class BadInputTests(StackFixture fixture)
{
    private KudosStack Stack => fixture.Stack;

    private static Dictionary<string, object?> ValidBoard() => new()
    {
        ["title"] = "Thanks",
        ["recipientName"] = "Ada",
        ["recipientEmail"] = "ada@example.test",
        ["ownerName"] = "Grace",
        ["ownerEmail"] = "grace@example.test",
        ["deliverAt"] = DateTimeOffset.UtcNow.AddDays(1).ToString("O"),
        ["timeZone"] = "Europe/Paris",
    };

    public static TheoryData<string, object?, string> InvalidBoards => new()
    {
        { "title", new string('t', 201), "200" },
        { "title", "", "required" },
        { "recipientName", new string('n', 101), "100" },
        { "ownerName", null, "required" },
        { "recipientEmail", "ada@example.test\r\nBcc: eve@example.test", "email address" },
        { "ownerEmail", "not an email", "email address" },
        { "deliverAt", "2026-12-24T18:00:00", "offset" },
        { "deliverAt", "next tuesday", "offset" },
        { "deliverAt", "2020-01-01T00:00:00Z", "future" },
        { "deliverAt", DateTimeOffset.UtcNow.AddYears(2).ToString("O"), "days ahead" },
        { "timeZone", "Mars/Olympus_Mons", "IANA" },
    };

    [Theory(Timeout = 30_000)]
    [MemberData(nameof(InvalidBoards))]
    public async Task An_invalid_board_is_a_400_naming_the_field(string field, object? value, string hint)
    {
        var ct = TestContext.Current.CancellationToken;
        var body = ValidBoard();
        body[field] = value;
        using var response = await Stack.Http.SendAsync(Stack.Request(HttpMethod.Post, "/api/boards", json: body), ct);
        var problem = await Api.ProblemAsync(response, HttpStatusCode.BadRequest, ct);
        Assert.Contains(field, problem.Detail, StringComparison.Ordinal);
        Assert.Contains(hint, problem.Detail, StringComparison.OrdinalIgnoreCase);
    }

    [Theory(Timeout = 30_000)]
    [InlineData("{", "malformed_json")]
    [InlineData("{\"title\": 5}", "malformed_json")]
    [InlineData("[1, 2]", "malformed_json")]
    [InlineData("null", "empty_body")]
    public async Task Malformed_json_and_wrong_types_are_400(string json, string code)
    {
        var ct = TestContext.Current.CancellationToken;
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/boards") { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        using var response = await Stack.Http.SendAsync(request, ct);
        Assert.Equal(code, (await Api.ProblemAsync(response, HttpStatusCode.BadRequest, ct)).Code);
    }

    [Fact(Timeout = 30_000)]
    public async Task A_body_that_is_not_json_is_415_and_one_over_64_kb_is_413()
    {
        var ct = TestContext.Current.CancellationToken;
        using var form = new HttpRequestMessage(HttpMethod.Post, "/api/boards") { Content = new StringContent("title=x", Encoding.UTF8, "application/x-www-form-urlencoded") };
        using var formResponse = await Stack.Http.SendAsync(form, ct);
        await Api.ProblemAsync(formResponse, HttpStatusCode.UnsupportedMediaType, ct);

        var big = ValidBoard();
        big["title"] = new string('t', 70 * 1024);
        using var bigResponse = await Stack.Http.SendAsync(Stack.Request(HttpMethod.Post, "/api/boards", json: big), ct);
        Assert.Contains("64 KB", (await Api.ProblemAsync(bigResponse, HttpStatusCode.RequestEntityTooLarge, ct)).Detail, StringComparison.Ordinal);
    }

    [Fact(Timeout = 30_000)]
    public async Task A_wrong_key_is_indistinguishable_from_an_unknown_board()
    {
        var ct = TestContext.Current.CancellationToken;
        var board = await Stack.CreateBoardAsync(Api.NewBoard(TestAddresses.Unique("probe"), DateTimeOffset.UtcNow.AddDays(1)), ct);

        async Task<string> ProblemBody(string path, string? key)
        {
            using var response = await Stack.Http.SendAsync(Stack.Request(HttpMethod.Get, path, key), ct);
            await Api.ProblemAsync(response, HttpStatusCode.NotFound, ct);
            var json = System.Text.Json.Nodes.JsonNode.Parse(await response.Content.ReadAsStringAsync(ct))!.AsObject();
            json.Remove("traceId");
            return json.ToJsonString();
        }

        var wrongKey = await ProblemBody($"/api/boards/{board.Id}", board.ContributeKey);
        var noKey = await ProblemBody($"/api/boards/{board.Id}", null);
        var unknown = await ProblemBody($"/api/boards/{Guid.NewGuid()}", board.OwnerKey);
        Assert.Equal(wrongKey, noKey);
        Assert.Equal(wrongKey, unknown);
        var other = await Stack.CreateBoardAsync(Api.NewBoard(TestAddresses.Unique("other"), DateTimeOffset.UtcNow.AddDays(1)), ct);
        Assert.Equal(wrongKey, await ProblemBody($"/api/boards/{board.Id}/summary", other.ContributeKey));

        // Not a Guid at all: still a problem document.
        await ProblemBody("/api/boards/not-a-guid", board.OwnerKey);
    }

    [Fact(Timeout = 30_000)]
    public async Task Card_limits_are_enforced_and_a_rejected_card_loses_nothing()
    {
        var ct = TestContext.Current.CancellationToken;
        var board = await Stack.CreateBoardAsync(Api.NewBoard(TestAddresses.Unique("limits"), DateTimeOffset.UtcNow.AddDays(1)), ct);
        await Stack.AddCardAsync(board, "Alan", "First", ct);

        using var longMessage = await Stack.Http.SendAsync(Stack.Request(HttpMethod.Post, $"/api/boards/{board.Id}/cards", board.ContributeKey, new { authorName = "Alan", message = new string('m', 4001) }), ct);
        Assert.Contains("4000", (await Api.ProblemAsync(longMessage, HttpStatusCode.BadRequest, ct)).Detail, StringComparison.Ordinal);
        using var longName = await Stack.Http.SendAsync(Stack.Request(HttpMethod.Post, $"/api/boards/{board.Id}/cards", board.ContributeKey, new { authorName = new string('a', 101), message = "Hi" }), ct);
        await Api.ProblemAsync(longName, HttpStatusCode.BadRequest, ct);

        var view = await Stack.OwnerViewAsync(board, ct);
        Assert.Equal(1, view.CardCount);
    }

    [Fact(Timeout = 90_000)]
    public async Task The_501st_card_is_refused()
    {
        var ct = TestContext.Current.CancellationToken;
        var board = await Stack.CreateBoardAsync(Api.NewBoard(TestAddresses.Unique("full"), DateTimeOffset.UtcNow.AddDays(1)), ct);
        for (var i = 0; i < 500; i++)
        {
            await Stack.AddCardAsync(board, $"Author {i}", "Hi", ct);
        }

        using var extra = await Stack.Http.SendAsync(Stack.Request(HttpMethod.Post, $"/api/boards/{board.Id}/cards", board.ContributeKey, new { authorName = "One too many", message = "Hi" }), ct);
        Assert.Equal("board_full", (await Api.ProblemAsync(extra, HttpStatusCode.Conflict, ct)).Code);
    }

    [Fact(Timeout = 30_000)]
    public async Task A_naive_reschedule_is_refused_and_the_schedule_is_kept()
    {
        var ct = TestContext.Current.CancellationToken;
        var board = await Stack.CreateBoardAsync(Api.NewBoard(TestAddresses.Unique("naive"), DateTimeOffset.UtcNow.AddDays(1)), ct);
        using var patch = await Stack.Http.SendAsync(Stack.Request(HttpMethod.Patch, $"/api/boards/{board.Id}", board.OwnerKey, new { deliverAt = "2027-01-01T09:00:00" }), ct);
        await Api.ProblemAsync(patch, HttpStatusCode.BadRequest, ct);
        Assert.Equal(board.DeliverAt, (await Stack.OwnerViewAsync(board, ct)).DeliverAt);
    }
}
