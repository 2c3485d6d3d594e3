using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Kudos.EndToEndTests.Infrastructure;
using Kudos.Testing;
using Xunit;

namespace Kudos.EndToEndTests;

/// <summary>
/// One stack with the product's default limits; 127.0.0.2 is its only trusted proxy. Every 127.0.0.0/8 address reaches the
/// API on 127.0.0.1, so each test speaks from its own source address and starts with a fresh budget.
/// </summary>
public sealed class RateLimitStackFixture : IAsyncLifetime
{
    public const string Proxy = "127.0.0.2";

    private KudosStack? _stack;

    public KudosStack Stack => _stack ?? throw new InvalidOperationException("The stack did not start.");

    public async ValueTask InitializeAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        _stack = await KudosStack.StartAsync(
            "ratelimit", cts.Token, new Dictionary<string, string> { ["ForwardedHeaders__KnownProxies__0"] = Proxy }, defaultRateLimits: true);
    }

    public async ValueTask DisposeAsync()
    {
        if (_stack is not null)
        {
            await _stack.DisposeAsync();
        }
    }
}

public sealed class RateLimitTests(RateLimitStackFixture fixture, ITestOutputHelper output) : IClassFixture<RateLimitStackFixture>
{
    private KudosStack Stack => fixture.Stack;

    [Fact(Timeout = 120_000)]
    public async Task A_flood_of_board_creations_from_one_address_is_refused_with_retry_after_once_the_default_limit_is_spent()
    {
        var ct = TestContext.Current.CancellationToken;
        using var client = From("127.0.0.1");

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 100; i++)
        {
            using var response = await CreateBoardAsync(client, forwardedFor: null, ct);
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                await AssertRateLimitedAsync(response, ct);
            }
        }

        var created = statuses.TakeWhile(s => s == HttpStatusCode.Created).Count();
        output.WriteLine($"{created} of 100 board creations from one address passed before the first 429; {statuses.Count(s => s == HttpStatusCode.TooManyRequests)} × 429.");
        Assert.True(created >= 30, $"Only {created} board creations passed before a refusal; people behind one office NAT need at least 30 a minute. Statuses: {string.Join(", ", statuses.Select(s => (int)s))}");
        Assert.True(created <= 60, $"{created} board creations passed; the default must refuse well before 100.");
        Assert.All(statuses.Skip(created), s => Assert.Equal(HttpStatusCode.TooManyRequests, s));
    }

    [Fact(Timeout = 120_000)]
    public async Task A_forged_forwarded_for_buys_no_fresh_budget_but_a_configured_proxy_speaks_for_its_clients()
    {
        var ct = TestContext.Current.CancellationToken;
        const string client = "127.0.0.3";
        using var direct = From(client);
        using var proxy = From(RateLimitStackFixture.Proxy);

        var spent = 0;
        while (true)
        {
            using var response = await CreateBoardAsync(direct, forwardedFor: null, ct);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                break;
            }

            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            Assert.True(++spent <= 100, "No limit on board creation from one address.");
        }

        // Not a proxy: its X-Forwarded-For is ignored, whatever it claims (one address, a list, garbage).
        foreach (var forged in new[] { "203.0.113.7", "198.51.100.1, 203.0.113.8", "not-an-address" })
        {
            using var response = await CreateBoardAsync(direct, forged, ct);
            await AssertRateLimitedAsync(response, ct);
        }

        // The configured proxy: the address it forwards is the client. The exhausted client stays refused through it ...
        using (var viaProxy = await CreateBoardAsync(proxy, client, ct))
        {
            await AssertRateLimitedAsync(viaProxy, ct);
        }

        // ... and another client behind the same proxy has its own budget.
        using (var other = await CreateBoardAsync(proxy, "203.0.113.7", ct))
        {
            Assert.Equal(HttpStatusCode.Created, other.StatusCode);
        }
    }

    private static async Task AssertRateLimitedAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var problem = await Api.ProblemAsync(response, HttpStatusCode.TooManyRequests, ct);
        Assert.Equal("rate_limited", problem.Code);
        var retryAfter = response.Headers.RetryAfter?.Delta;
        Assert.True(retryAfter is { } delay && delay > TimeSpan.Zero && delay <= TimeSpan.FromMinutes(1), $"Retry-After should be a delay within the minute, was '{response.Headers.RetryAfter}'.");
        Assert.Contains(((int)retryAfter!.Value.TotalSeconds).ToString(CultureInfo.InvariantCulture), problem.Detail, StringComparison.Ordinal);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
    }

    private async Task<HttpResponseMessage> CreateBoardAsync(HttpClient client, string? forwardedFor, CancellationToken ct)
    {
        var request = Stack.Request(HttpMethod.Post, "/api/boards", json: Api.NewBoard(TestAddresses.Unique("flood"), DateTimeOffset.UtcNow.AddDays(1)));
        if (forwardedFor is not null)
        {
            request.Headers.TryAddWithoutValidation("X-Forwarded-For", forwardedFor);
        }

        using (request)
        {
            return await client.SendAsync(request, ct);
        }
    }

    /// <summary>A client whose connections leave from <paramref name="source"/> (any 127.0.0.0/8 address on Linux).</summary>
    private HttpClient From(string source)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (context, ct) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    socket.Bind(new IPEndPoint(IPAddress.Parse(source), 0));
                    await socket.ConnectAsync(context.DnsEndPoint, ct);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        return new HttpClient(handler) { BaseAddress = Stack.ApiBase, Timeout = TimeSpan.FromSeconds(30) };
    }
}
