using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Kudos.ClusterTests.Infrastructure;
using Kudos.Testing;
using Xunit;

namespace Kudos.ClusterTests;

/// <summary>What operators use: the dashboard behind credentials, the metrics scrape, the health endpoints.</summary>
public sealed class OperationsTests(ITestOutputHelper output)
{
    private const string Password = "correct horse battery staple";

    [Fact(Timeout = 180_000)]
    public async Task The_dashboard_answers_401_without_credentials_and_200_with_them_on_the_api_and_a_silo()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var stack = await KudosStack.StartAsync("dashboard", ct, new Dictionary<string, string>
        {
            ["Dashboard__User"] = "operator",
            ["Dashboard__Password"] = Password,
        });

        foreach (var (name, baseAddress) in new[] { ("api", stack.ApiBase), ("silo0", stack.SiloHttp(0)) })
        {
            using var http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };

            using (var anonymous = await http.GetAsync("/dashboard/", ct))
            {
                Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
                var challenge = Assert.Single(anonymous.Headers.WwwAuthenticate);
                Assert.Equal("Basic", challenge.Scheme);
            }

            Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(http, "/dashboard/", Basic("operator", "wrong"), ct));
            Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(http, "/dashboard/", Basic("admin", Password), ct));
            Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(http, "/dashboard/index.min.js", null, ct));

            using var request = new HttpRequestMessage(HttpMethod.Get, "/dashboard/") { Headers = { Authorization = Basic("operator", Password) } };
            using var page = await http.SendAsync(request, ct);
            var html = await page.Content.ReadAsStringAsync(ct);
            Assert.True(page.StatusCode == HttpStatusCode.OK, $"{name}: {(int)page.StatusCode} {html}");
            Assert.Contains("Orleans Dashboard", html, StringComparison.Ordinal);

            // The Prometheus scrape: Orleans' meter is there on both processes.
            var metrics = await http.GetStringAsync("/metrics", ct);
            Assert.Contains("orleans_", metrics, StringComparison.Ordinal);
            output.WriteLine($"{name}: dashboard 401 without / with wrong credentials, 200 with them; /metrics has {metrics.Split('\n').Count(l => l.StartsWith("orleans_", StringComparison.Ordinal))} Orleans series");
        }
    }

    [Fact(Timeout = 240_000)]
    public async Task Health_endpoints_reflect_a_stopped_database_and_its_return()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var postgres = await PrivatePostgres.StartAsync(ct);
        var database = await postgres.CreateDatabaseAsync("kudos_health", ct);
        await using var stack = await KudosStack.StartAsync("health", ct, new Dictionary<string, string> { ["ConnectionStrings__Kudos"] = database });
        var processes = new[] { ("api", stack.ApiBase), ("silo0", stack.SiloHttp(0)) };

        foreach (var (name, baseAddress) in processes)
        {
            // Both processes printed their start-up line: the silo is Active, the API's client connected to it.
            var (ready, readyBody) = await Cluster.ReadinessAsync(baseAddress, ct);
            Assert.True(ready == HttpStatusCode.OK, $"{name} was not ready once started: {(int)ready} {readyBody}\n{stack.Logs}");
            var (live, _) = await GetAsync(baseAddress, "/health/live", ct);
            Assert.Equal(HttpStatusCode.OK, live);

            // No password configured: the dashboard is not mapped at all.
            var (dashboard, _) = await GetAsync(baseAddress, "/dashboard/", ct);
            Assert.Equal(HttpStatusCode.NotFound, dashboard);
        }

        // pg_ctl stop returns once the server is gone, and every readiness probe opens (or reuses) a connection and runs a
        // query: the first probe after the stop already fails, as the next one after the restart succeeds.
        await postgres.StopAsync(ct);
        var stoppedAt = DateTimeOffset.UtcNow;
        foreach (var (name, baseAddress) in processes)
        {
            var (status, body) = await Cluster.ReadinessAsync(baseAddress, ct);
            Assert.True(status == HttpStatusCode.ServiceUnavailable, $"{name} /health/ready answered {(int)status} with the database stopped: {body}");
            Assert.Contains("\"database\":{\"status\":\"Unhealthy\"", body, StringComparison.Ordinal);
            var (live, _) = await GetAsync(baseAddress, "/health/live", ct);
            Assert.Equal(HttpStatusCode.OK, live);
            output.WriteLine($"{name}: ready 503 {(DateTimeOffset.UtcNow - stoppedAt).TotalSeconds:0.0} s after the database stopped, live 200: {body}");
        }

        await postgres.RestartAsync(ct);
        var restartedAt = DateTimeOffset.UtcNow;
        foreach (var (name, baseAddress) in processes)
        {
            var (status, body) = await Cluster.ReadinessAsync(baseAddress, ct);
            Assert.True(status == HttpStatusCode.OK, $"{name} /health/ready answered {(int)status} after the database came back: {body}\n{stack.Logs}");
            output.WriteLine($"{name}: ready 200 again {(DateTimeOffset.UtcNow - restartedAt).TotalSeconds:0.0} s after the database restarted");
        }
    }

    private static AuthenticationHeaderValue Basic(string user, string password) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));

    private static async Task<HttpStatusCode> StatusAsync(HttpClient http, string path, AuthenticationHeaderValue? authorization, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = authorization;
        using var response = await http.SendAsync(request, ct);
        return response.StatusCode;
    }

    private static async Task<(HttpStatusCode Status, string Body)> GetAsync(Uri baseAddress, string path, CancellationToken ct)
    {
        using var http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(15) };
        using var response = await http.GetAsync(path, ct);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(ct));
    }
}
