using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Kudos.EndToEndTests.Infrastructure;
using Kudos.Testing;
using Xunit;

namespace Kudos.EndToEndTests.Fuzz;

/// <summary>
/// Generated requests at every route of a real stack. <c>KUDOS_FUZZ_REQUESTS</c> sets the count (2,000 by default, as in
/// <c>./test.sh</c>; the README names the 10,000 run) and <c>KUDOS_FUZZ_SEED</c> replays a run.
/// </summary>
public sealed partial class FuzzTests(ITestOutputHelper output)
{
    private const string AdminKey = "fuzz-admin-key-7d1e22";
    private const string WebhookSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private const int DefaultRequests = 2_000;
    private const int Workers = 4;

    [Fact(Timeout = 1_800_000)]
    public async Task Generated_requests_at_every_route_get_no_server_error_and_the_journey_still_works()
    {
        var ct = TestContext.Current.CancellationToken;
        var count = Environment.GetEnvironmentVariable("KUDOS_FUZZ_REQUESTS") is { Length: > 0 } n ? int.Parse(n, CultureInfo.InvariantCulture) : DefaultRequests;
        var seed = Environment.GetEnvironmentVariable("KUDOS_FUZZ_SEED") is { Length: > 0 } s ? int.Parse(s, CultureInfo.InvariantCulture) : Random.Shared.Next();
        // A replay of chosen requests: KUDOS_FUZZ_ONLY=17,1001 sends only those of the run.
        var only = Environment.GetEnvironmentVariable("KUDOS_FUZZ_ONLY") is { Length: > 0 } o
            ? o.Split(',').Select(i => int.Parse(i, CultureInfo.InvariantCulture)).ToHashSet()
            : null;
        output.WriteLine($"fuzz: seed {seed}, {count} requests; replay with KUDOS_FUZZ_SEED={seed} KUDOS_FUZZ_REQUESTS={count} ./test.sh --filter FullyQualifiedName~FuzzTests");

        await using var stack = await KudosStack.StartAsync("fuzz", ct, new Dictionary<string, string>
        {
            ["Admin__Key"] = AdminKey,
            ["ApiDocs__Enabled"] = "true",
            ["Webhooks__EmailEvents__Secrets__0"] = WebhookSecret,
        });
        using var client = FuzzHttp.Client(stack.ApiBase);

        var routes = await RoutesAsync(stack, ct);
        var knowns = await KnownsAsync(stack, ct);
        var generator = new FuzzGenerator(seed, routes, knowns);
        var statuses = new ConcurrentDictionary<string, int>();
        var perRoute = new ConcurrentDictionary<string, int>();
        var failures = new ConcurrentQueue<string>();
        var next = -1;
        var started = DateTimeOffset.UtcNow;
        await Task.WhenAll(Enumerable.Range(0, Workers).Select(_ => Task.Run(
            async () =>
            {
                for (var index = Interlocked.Increment(ref next); index < count; index = Interlocked.Increment(ref next))
                {
                    if (only is not null && !only.Contains(index))
                    {
                        continue;
                    }

                    var spec = generator.Create(index);
                    perRoute.AddOrUpdate(spec.Route, 1, (_, c) => c + 1);
                    var (outcome, failure) = await SendAsync(client, spec, ct);
                    if (failure is not null)
                    {
                        failures.Enqueue(failure);
                    }

                    statuses.AddOrUpdate(outcome, 1, (_, c) => c + 1);
                }
            },
            ct)));

        var elapsed = DateTimeOffset.UtcNow - started;
        output.WriteLine($"fuzz: {count} requests at {routes.Count} routes in {elapsed.TotalSeconds:0.0} s; per status code:");
        foreach (var (status, c) in statuses.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            output.WriteLine($"  {status}: {c}");
        }

        Assert.True(failures.IsEmpty, $"{failures.Count} of {count} requests got a server error or no answer (seed {seed}):\n{string.Join("\n", failures.Take(10))}\n--- api log (end) ---\n{Tail(stack.ApiLog)}");
        var missed = routes.Select(r => r.ToString()).Where(r => !perRoute.ContainsKey(r)).ToList();
        Assert.True(missed.Count == 0 || only is not null, $"Routes no request reached: {string.Join(", ", missed)}");

        await JourneyStillWorksAsync(stack, ct);
    }

    /// <summary>Sends one request; the outcome is its status code, and a failure description for a 5xx or no answer.</summary>
    private static async Task<(string Outcome, string? Failure)> SendAsync(HttpClient client, FuzzRequest spec, CancellationToken ct)
    {
        using var request = spec.Build(WebhookSecret);
        try
        {
            using var response = await client.SendAsync(request, ct);
            var body = await response.Content.ReadAsStringAsync(ct);
            var status = (int)response.StatusCode;
            return (status.ToString(CultureInfo.InvariantCulture), status >= 500 ? $"{spec}\n  → {status}: {body}" : null);
        }
        catch (HttpRequestException ex)
        {
            // The server dropped the connection without an answer: as bad as a 500 for the client.
            return ("no answer", $"{spec}\n  → no answer: {ex.Message} {ex.InnerException?.Message}");
        }
    }

    /// <summary>Every operation of the served OpenAPI document, plus the routes it does not describe (pages, health, the document).</summary>
    private static async Task<IReadOnlyList<FuzzRoute>> RoutesAsync(KudosStack stack, CancellationToken ct)
    {
        var document = JsonNode.Parse(await stack.Http.GetStringAsync("/openapi/v1.json", ct))!;
        var routes = FuzzRoute.FromOpenApi(document).ToList();
        Assert.True(routes.Count >= 20, $"The OpenAPI document lists only {routes.Count} operations.");
        foreach (var (method, template) in new[]
        {
            ("GET", "/"), ("GET", "/o/{id}"), ("GET", "/c/{id}"), ("GET", "/b/{id}"), ("GET", "/health/live"), ("GET", "/health/ready"),
            ("GET", "/openapi/v1.json"), ("POST", "/api/boards/{id}/unknown"), ("PUT", "/api/boards"), ("OPTIONS", "/api/boards"),
            ("HEAD", "/api/boards/{id}"), ("TRACE", "/"),
        })
        {
            routes.Add(new FuzzRoute(method, template, [], null));
        }

        return routes;
    }

    /// <summary>Real boards, cards and keys (owner, contribution, card, admin), so that a share of the requests reaches the grains.</summary>
    private static async Task<FuzzKnowns> KnownsAsync(KudosStack stack, CancellationToken ct)
    {
        var scheduled = await stack.CreateBoardAsync(Api.NewBoard(TestAddresses.Unique("fuzzed"), DateTimeOffset.UtcNow.AddDays(1)), ct);
        var draft = await stack.CreateBoardAsync(Api.NewBoard(TestAddresses.Unique("fuzzdraft"), null), ct);
        var card = await stack.AddCardAsync(scheduled, "Alan", "Fuzzed", ct);
        return new FuzzKnowns(
            [scheduled.Id.ToString(), draft.Id.ToString("N")],
            [card.CardId.ToString()],
            [scheduled.OwnerKey, scheduled.ContributeKey, draft.OwnerKey, draft.ContributeKey, card.CardKey, AdminKey],
            [Uri.EscapeDataString(AdminCalls.DeliveryId(scheduled.Id)), $"board-invitation/{scheduled.Id:N}/x"],
            ["ada@example.test", "Ada%40Example.Test", "nobody%40example.test"]);
    }

    /// <summary>After the flood: a new board, a card, delivery now, the recipient's email and its link opening the card.</summary>
    private async Task JourneyStillWorksAsync(KudosStack stack, CancellationToken ct)
    {
        var recipient = TestAddresses.Unique("afterfuzz");
        var board = await stack.CreateBoardAsync(Api.NewBoard(recipient, DateTimeOffset.UtcNow.AddDays(1)), ct);
        await stack.AddCardAsync(board, "Grace", "Still standing", ct);
        using (var deliver = await stack.Http.SendAsync(stack.Request(HttpMethod.Post, $"/api/boards/{board.Id}/deliver?confirmFewCards=true", board.OwnerKey), ct))
        {
            await Api.ReadAsync<OwnerViewDto>(deliver, HttpStatusCode.OK, ct);
        }

        var mails = await Mail.ForAsync(stack, recipient, 1, TimeSpan.FromSeconds(60), ct);
        Assert.True(mails.Count == 1, $"After the fuzz run, board {board.Id} was not delivered to {recipient}.\n{Tail(stack.Logs)}");
        var text = mails[0].Parse().TextBody ?? "";
        var link = RecipientLink().Match(text);
        Assert.True(link.Success, $"No recipient link in:\n{text}");
        using var opened = await stack.Http.SendAsync(stack.Request(HttpMethod.Get, $"/api/boards/{board.Id}/cards", link.Groups["key"].Value), ct);
        var cards = await Api.ReadAsync<List<CardDto>>(opened, HttpStatusCode.OK, ct);
        Assert.Equal("Still standing", Assert.Single(cards).Message);
        output.WriteLine("fuzz: the journey (create, card, deliver, email, open) works afterwards.");
    }

    private static string Tail(string log) => log.Length <= 6000 ? log : log[^6000..];

    [GeneratedRegex(@"/b/(?<id>[0-9a-f]{32})#k=(?<key>[A-Za-z0-9_-]{43})")]
    private static partial Regex RecipientLink();
}
