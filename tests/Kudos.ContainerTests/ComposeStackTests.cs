using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Kudos.ContainerTests.Infrastructure;
using Kudos.Testing;
using Xunit;

namespace Kudos.ContainerTests;

/// <summary>
/// The product as an operator deploys it: the images built from deploy/docker, deploy/compose.yaml (plus the test
/// override that swaps in local base images) up with podman-compose — PostgreSQL, the mail catcher, two silos and the
/// API, each in its container — then the core journey through the API's published port, a silo killed hard, and the
/// whole stack down and up again on the same volume.
/// </summary>
public sealed partial class ComposeStackTests(ITestOutputHelper output)
{
    /// <summary>compose.yaml keeps the production reminder period (Kudos__ReminderPeriod default).</summary>
    private static readonly TimeSpan ReminderPeriod = TimeSpan.FromSeconds(5);

    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromMinutes(3);

    private readonly List<(string Phase, TimeSpan Took)> _timings = [];

    [Fact(Timeout = 1_800_000)]
    public async Task The_compose_stack_delivers_once_survives_a_killed_silo_and_keeps_its_data_across_down_and_up()
    {
        var ct = TestContext.Current.CancellationToken;
        _timings.Add(("base images", await ContainerHost.EnsureAsync(output, ct)));

        await using var stack = new ComposeStack();
        try
        {
            await Timed("build", () => stack.BuildAsync(ct));
            await Timed("up", () => stack.UpAsync(ct));
            using var http = new HttpClient { BaseAddress = stack.ApiBase, Timeout = TimeSpan.FromSeconds(30) };
            await Timed("ready", () => WaitUntilReadyAsync(http, ct));
            await TheImagesRunAsDeclaredAsync(stack, ct);

            using var mail = new MailCatcher(stack.MailBase!);
            var journey = await Timed("journey", () => JourneyAsync(http, mail, ct));
            var failover = await Timed("failover", () => FailoverAsync(stack, http, mail, ct));

            // Exactly once: no recipient gets a second email within two more reminder periods.
            var recipients = failover.Select(b => b.Recipient).Append(journey.Recipient).ToList();
            var counts = await Task.WhenAll(recipients.Select(r => mail.WaitAsync(2, ReminderPeriod * 2, r, ct)));
            Assert.True(counts.All(c => c.Count == 1), "Some board was emailed more than once: " + string.Join(", ", recipients.Zip(counts).Where(p => p.Second.Count != 1).Select(p => $"{p.First}×{p.Second.Count}")));

            await Timed("down + up", () => RestartKeepsTheDataAsync(stack, http, journey, recipients, ct));
        }
        catch (Exception e) when (e is not OperationCanceledException && stack.ApiBase is not null)
        {
            throw new InvalidOperationException($"{e.Message}\n\nContainer logs:\n{await stack.LogsAsync(CancellationToken.None)}", e);
        }
        finally
        {
            var summary = string.Join(", ", _timings.Select(t => $"{t.Phase} {t.Took.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s"));
            output.WriteLine($"container tier timings: {summary}");
            output.WriteLine($"board creations answered 503 (and were retried) {KudosApi.UnavailableAnswers} time(s)");
        }
    }

    private static async Task TheImagesRunAsDeclaredAsync(ComposeStack stack, CancellationToken ct)
    {
        foreach (var service in new[] { "silo1", "silo2", "api" })
        {
            // The image's HEALTHCHECK probes /health/live; podman runs it on demand here (no systemd timer). As its policy
            // (--retries=3) allows, one probe that times out on a starved machine is not yet "unhealthy".
            var health = await stack.HealthcheckAsync(service, ct);
            for (var attempt = 2; attempt <= 3 && !health.Succeeded; attempt++)
            {
                health = await stack.HealthcheckAsync(service, ct);
            }

            Assert.True(health.Succeeded, $"{service}: the image's HEALTHCHECK failed 3 times in a row (exit {health.ExitCode}): {health.Output}");
            Assert.Equal("1654", await stack.InspectAsync(service, "{{.Config.User}}", ct));
            Assert.Equal("true", await stack.InspectAsync(service, "{{.HostConfig.ReadonlyRootfs}}", ct));
            var title = await stack.InspectAsync(service, "{{index .Config.Labels \"org.opencontainers.image.title\"}}", ct);
            Assert.StartsWith("kudos-", title, StringComparison.Ordinal);
        }

        Assert.True((await stack.HealthcheckAsync("postgres", ct)).Succeeded, "postgres: pg_isready failed.");
    }

    /// <summary>Create a sealed board with two cards, see it sealed, get its email once at the instant, open it.</summary>
    private async Task<Board> JourneyAsync(HttpClient http, MailCatcher mail, CancellationToken ct)
    {
        var recipient = Unique("ada");
        var deliverAt = DateTimeOffset.UtcNow.AddSeconds(8);
        var board = await CreateAsync(http, recipient, deliverAt, ct);
        Assert.Equal("Scheduled", board.Created.Status);

        var alan = await KudosApi.AddCardAsync(http, board.Created, "Alan", "You saw it first.", ct);
        var grace = await KudosApi.AddCardAsync(http, board.Created, "Grace", "Thank you!", ct);

        // A picture: the API container decodes and re-encodes it with its native Skia library.
        Guid pictureId;
        using (var upload = KudosApi.Request(HttpMethod.Post, $"/api/boards/{board.Id}/cards/{alan.CardId}/images", alan.CardKey))
        {
            upload.Content = new ByteArrayContent(TestPictures.Png(300, 200));
            upload.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("image/png");
            using var stored = await http.SendAsync(upload, ct);
            var body = await stored.Content.ReadAsStringAsync(ct);
            Assert.True(stored.StatusCode == HttpStatusCode.Created, $"Picture upload answered {(int)stored.StatusCode}: {body}");
            pictureId = System.Text.Json.JsonDocument.Parse(body).RootElement.GetProperty("id").GetGuid();
        }
        using (var own = await http.SendAsync(KudosApi.Request(HttpMethod.Get, $"/api/boards/{board.Id}/cards/{alan.CardId}", alan.CardKey), ct))
        {
            Assert.Equal("You saw it first.", (await KudosApi.ReadAsync<CardDto>(own, HttpStatusCode.OK, ct)).Message);
        }

        using (var foreign = await http.SendAsync(KudosApi.Request(HttpMethod.Get, $"/api/boards/{board.Id}/cards/{grace.CardId}", alan.CardKey), ct))
        {
            await KudosApi.ProblemAsync(foreign, HttpStatusCode.NotFound, ct);
        }

        using (var sealedList = await http.SendAsync(KudosApi.Request(HttpMethod.Get, $"/api/boards/{board.Id}/cards", board.Created.OwnerKey), ct))
        {
            Assert.Contains("sealed until", (await KudosApi.ProblemAsync(sealedList, HttpStatusCode.Forbidden, ct)).Detail, StringComparison.Ordinal);
        }

        var mails = await mail.WaitAsync(1, TimeSpan.FromSeconds(60), recipient, ct);
        Assert.True(mails.Count == 1, $"The delivery email of board {board.Id} did not reach the mail catcher.");
        var lag = mails[0].ReceivedAt - deliverAt;
        Assert.True(lag >= TimeSpan.Zero, $"Board {board.Id} was emailed {-lag.TotalMilliseconds:0} ms before its instant.");
        output.WriteLine($"journey: deliverAt → accepted by the catcher container in {lag.TotalMilliseconds:0} ms");

        var text = mails[0].Parse().TextBody ?? "";
        var link = RecipientLink().Match(text);
        Assert.True(link.Success, $"No recipient link in:\n{text}");
        using var opened = await http.SendAsync(KudosApi.Request(HttpMethod.Get, $"/api/boards/{board.Id}/cards", link.Groups["key"].Value), ct);
        var cards = await KudosApi.ReadAsync<List<CardDto>>(opened, HttpStatusCode.OK, ct);
        Assert.Equal(["Alan", "Grace"], cards.Select(c => c.AuthorName).Order());
        using (var picture = await http.SendAsync(KudosApi.Request(HttpMethod.Get, $"/api/boards/{board.Id}/cards/{alan.CardId}/images/{pictureId}", link.Groups["key"].Value), ct))
        {
            Assert.Equal(HttpStatusCode.OK, picture.StatusCode);
            Assert.Equal((300, 200), TestPictures.PngSize(await picture.Content.ReadAsByteArrayAsync(ct)));
        }

        // The silo containers' logs are not followed line by line here (see Unsignalled): the owner view is asked again.
        var view = await Unsignalled.RepeatUntilAsync(() => OwnerViewAsync(http, board, ct), v => v.Delivery?.Status == "Sent", TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(30), ct);
        Assert.Equal("Delivered", view.Status);
        Assert.Equal(1, view.Delivery?.Attempts);
        return board;
    }

    /// <summary>Boards due just after silo1 is killed are delivered, once each, by silo2 alone.</summary>
    private async Task<List<Board>> FailoverAsync(ComposeStack stack, HttpClient http, MailCatcher mail, CancellationToken ct)
    {
        var boards = new List<Board>();
        var due = DateTimeOffset.UtcNow.AddSeconds(6);
        for (var i = 0; i < 6; i++)
        {
            boards.Add(await CreateAsync(http, Unique($"failover{i}"), due.AddSeconds(i), ct));
        }

        var killedAt = DateTimeOffset.UtcNow;
        await stack.KillAsync("silo1", ct);
        Assert.True(boards.All(b => b.DeliverAt > killedAt), "The boards must fall due after the kill.");

        var received = await Task.WhenAll(boards.Select(b => mail.WaitAsync(1, TimeSpan.FromSeconds(90), b.Recipient, ct)));
        var missing = boards.Zip(received).Where(p => p.Second.Count == 0).Select(p => p.First.Id).ToList();
        Assert.True(missing.Count == 0, $"Not delivered after silo1 was killed: {string.Join(", ", missing)}");

        // silo1 stayed dead the whole time: silo2 sent them.
        Assert.Equal("exited", await stack.StateAsync("silo1", ct));
        Assert.Equal("running", await stack.StateAsync("silo2", ct));
        var lags = boards.Zip(received).Select(p => (p.Second[0].ReceivedAt - p.First.DeliverAt).TotalSeconds).ToList();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"failover: {boards.Count} boards due 6-11 s after SIGKILL of silo1, all delivered by silo2; lag behind deliverAt max {lags.Max():0.0} s, median {lags.Order().ElementAt(lags.Count / 2):0.0} s"));
        return boards;
    }

    /// <summary>down (the volume stays) and up: delivered boards stay delivered and are not sent again; a board due
    /// across the restart is delivered once after it.</summary>
    private async Task RestartKeepsTheDataAsync(ComposeStack stack, HttpClient http, Board journey, IReadOnlyList<string> delivered, CancellationToken ct)
    {
        var pending = await CreateAsync(http, Unique("after-restart"), DateTimeOffset.UtcNow.AddSeconds(20), ct);
        await stack.DownAsync(volumes: false, ct);
        await stack.UpAsync(ct);
        using var again = new HttpClient { BaseAddress = stack.ApiBase, Timeout = TimeSpan.FromSeconds(30) };
        await WaitUntilReadyAsync(again, ct);

        var view = await OwnerViewAsync(again, journey, ct);
        Assert.Equal("Delivered", view.Status);
        Assert.Equal("Sent", view.Delivery?.Status);
        Assert.Equal(2, view.CardCount);

        // A fresh catcher container: the only delivery email it sees is the one of the board due across the restart.
        using var mail = new MailCatcher(stack.MailBase!);
        var mails = await mail.WaitAsync(1, TimeSpan.FromSeconds(90), pending.Recipient, ct);
        Assert.True(mails.Count == 1, $"Board {pending.Id}, due across the restart, was not delivered after it.");
        var repeats = await mail.WaitAsync(2, ReminderPeriod * 2, pending.Recipient, ct);
        Assert.Single(repeats);
        var all = await mail.WaitAsync(int.MaxValue, TimeSpan.Zero, null, ct);
        var resent = all.Where(m => m.RcptTos.Any(delivered.Contains)).Select(m => m.RcptTos[0]).ToList();
        Assert.True(resent.Count == 0, $"Delivered before the restart and sent again after it: {string.Join(", ", resent)}");
    }

    private static async Task WaitUntilReadyAsync(HttpClient http, CancellationToken ct)
    {
        // Healthchecks do not run by themselves here (see Unsignalled): ask the API's readiness until both silos are active.
        var (ready, last) = await Unsignalled.RepeatUntilAsync(
            async () =>
            {
                try
                {
                    using var response = await http.GetAsync("/health/ready", ct);
                    var answer = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}";
                    return (response.StatusCode == HttpStatusCode.OK && answer.Contains("2 active silo", StringComparison.Ordinal), answer);
                }
                catch (HttpRequestException e)
                {
                    return (false, e.Message);
                }
            },
            answer => answer.Item1,
            TimeSpan.FromMilliseconds(500),
            ReadyTimeout,
            ct);
        if (!ready)
        {
            throw new TimeoutException($"The API was not ready with two active silos within {ReadyTimeout.TotalSeconds:0} s; last answer: {last}");
        }
    }

    private async Task<T> Timed<T>(string phase, Func<Task<T>> step)
    {
        var started = Stopwatch.StartNew();
        var result = await step();
        _timings.Add((phase, started.Elapsed));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{phase}: {started.Elapsed.TotalSeconds:0.0} s"));
        return result;
    }

    private Task Timed(string phase, Func<Task> step) => Timed(phase, async () =>
    {
        await step();
        return true;
    });

    private static string Unique(string who) => $"{who}-{Guid.NewGuid():N}@example.test";

    private static async Task<Board> CreateAsync(HttpClient http, string recipient, DateTimeOffset deliverAt, CancellationToken ct) =>
        new(await KudosApi.CreateBoardAsync(http, recipient, deliverAt, ct), recipient, deliverAt);

    private static Task<OwnerViewDto> OwnerViewAsync(HttpClient http, Board board, CancellationToken ct) =>
        KudosApi.OwnerViewAsync(http, board.Created, ct);

    private sealed record Board(BoardCreatedDto Created, string Recipient, DateTimeOffset DeliverAt)
    {
        public Guid Id => Created.Id;
    }

    [GeneratedRegex(@"/b/(?<id>[0-9a-f]{32})#k=(?<key>[A-Za-z0-9_-]{43})")]
    private static partial Regex RecipientLink();
}
