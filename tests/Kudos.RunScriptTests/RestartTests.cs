using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Xunit;

namespace Kudos.RunScriptTests;

/// <summary>
/// The product's first promise, tried as a user would: ./run.sh, a board due after a restart, Ctrl-C, ./run.sh again —
/// the board is still there and its email arrives exactly once. In a clone every user can enter and in one closed to
/// the <c>postgres</c> user, since where the data lives depends on that.
/// </summary>
public sealed class RestartTests
{
    private static readonly TimeSpan FirstStart = TimeSpan.FromMinutes(8); // includes the Release build
    private static readonly TimeSpan Start = TimeSpan.FromMinutes(3);
    private static readonly TimeSpan Stop = TimeSpan.FromMinutes(1);
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static TheoryData<string, UnixFileMode> Folders() => new()
    {
        { "open to every user", UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute },
        { "closed to others (mode 700)", UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute },
    };

    [Theory(Timeout = 900_000)]
    [MemberData(nameof(Folders))]
    public async Task A_board_scheduled_before_a_restart_is_still_there_and_delivered_once_after_it(string folder, UnixFileMode mode)
    {
        var ct = TestContext.Current.CancellationToken;
        using var clone = await Clone.MakeAsync(mode, ct);
        var ports = RunPorts.Free();
        using var http = new HttpClient { BaseAddress = ports.ApiUrl, Timeout = TimeSpan.FromSeconds(30) };
        var recipient = $"restart-{Guid.NewGuid():N}@example.test";

        Board board;
        await using (var first = RunScript.Start(clone, ports))
        {
            await first.WaitReadyAsync(FirstStart, ct);

            // A second ./run.sh on the same ports (another clone, say) refuses with the port's name instead of adopting ours.
            await using (var clash = RunScript.Start(clone, ports, "--no-build"))
            {
                Assert.NotEqual(0, await clash.WaitExitAsync(Start, ct));
                Assert.Contains($"port {ports.Api} (the API) is already in use", clash.Output, StringComparison.Ordinal);
            }

            board = await CreateBoardAsync(http, recipient, DateTimeOffset.UtcNow.AddSeconds(30), ct);
            await first.StopAsync(Stop);
            Assert.True(first.ExitCode is not null, first.Output);
        }

        // The data stayed where the rule puts it, and nowhere else.
        var runsAsRoot = Environment.UserName == "root";
        var expected = runsAsRoot && !mode.HasFlag(UnixFileMode.OtherExecute) ? clone.OutsideDataDir : clone.InsideDataDir;
        var other = expected == clone.InsideDataDir ? clone.OutsideDataDir : clone.InsideDataDir;
        Assert.True(File.Exists(Path.Combine(expected, "PG_VERSION")), $"{folder}: no cluster in {expected}");
        Assert.False(File.Exists(Path.Combine(other, "PG_VERSION")), $"{folder}: a second cluster in {other}");

        await using (var second = RunScript.Start(clone, ports, "--no-build"))
        {
            await second.WaitReadyAsync(Start, ct);
            Assert.Contains(expected, second.Output, StringComparison.Ordinal);

            using (var request = Owner(HttpMethod.Get, $"/api/boards/{board.Id}", board))
            using (var response = await http.SendAsync(request, ct))
            {
                Assert.True(response.StatusCode == HttpStatusCode.OK, $"{folder}: the board is gone after the restart ({(int)response.StatusCode}).\n{second.Output}");
            }

            using var mail = new HttpClient { BaseAddress = ports.MailUrl, Timeout = TimeSpan.FromMinutes(3) };
            var arrived = await mail.GetFromJsonAsync<JsonElement[]>($"/api/messages/wait?count=1&timeoutMs=150000&to={Uri.EscapeDataString(recipient)}", ct);
            Assert.True(arrived is { Length: 1 }, $"{folder}: {arrived?.Length ?? 0} delivery emails reached {recipient}.\n{second.Output}");

            // Exactly once: the delivery's dispatch made one attempt, and the catcher holds one message for the recipient.
            using (var request = Owner(HttpMethod.Get, $"/api/boards/{board.Id}", board))
            using (var response = await http.SendAsync(request, ct))
            {
                var view = await response.Content.ReadFromJsonAsync<JsonElement>(Json, ct);
                Assert.Equal("Delivered", view.GetProperty("status").GetString());
                var delivery = view.GetProperty("delivery");
                Assert.Equal(1, delivery.GetProperty("attempts").GetInt32());
            }

            var all = await mail.GetFromJsonAsync<JsonElement[]>("/api/messages", ct);
            Assert.Single(all!, m => m.GetRawText().Contains(recipient, StringComparison.Ordinal));
        }
    }

    private static HttpRequestMessage Owner(HttpMethod method, string path, Board board)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", board.OwnerKey);
        return request;
    }

    private static async Task<Board> CreateBoardAsync(HttpClient http, string recipient, DateTimeOffset deliverAt, CancellationToken ct)
    {
        using var response = await http.PostAsJsonAsync("/api/boards", new
        {
            title = "Across a restart",
            recipientName = "Ada",
            recipientEmail = recipient,
            ownerName = "Grace",
            ownerEmail = $"owner-{Guid.NewGuid():N}@example.test",
            deliverAt = deliverAt.ToString("O"),
            timeZone = "UTC",
        }, ct);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync(ct));
        var board = (await response.Content.ReadFromJsonAsync<Board>(Json, ct))!;

        // With a card: an empty board is held at its instant (the product's default policy), not delivered.
        using var card = new HttpRequestMessage(HttpMethod.Post, $"/api/boards/{board.Id}/cards") { Content = JsonContent.Create(new { authorName = "Alan", message = "Still here after the restart." }) };
        card.Headers.Authorization = new AuthenticationHeaderValue("Bearer", board.ContributeKey);
        using var posted = await http.SendAsync(card, ct);
        Assert.True(posted.StatusCode == HttpStatusCode.Created, await posted.Content.ReadAsStringAsync(ct));
        return board;
    }

    private sealed record Board(Guid Id, string OwnerKey, string ContributeKey);
}
