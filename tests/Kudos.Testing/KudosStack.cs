using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;

namespace Kudos.Testing;

/// <summary>
/// The real product on this machine: a fresh PostgreSQL database with the project's schema, a real SMTP server, one silo
/// process and the API process (an Orleans client), wired only through configuration as a deployment would be.
/// </summary>
public sealed class KudosStack : IAsyncDisposable
{
    /// <summary>The reminder period the tests run with (production's default is 5 s): it bounds recovery after a restart.</summary>
    public static readonly TimeSpan ReminderPeriod = TimeSpan.FromSeconds(2);

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private readonly Dictionary<string, string> _environment;
    private ChildProcess? _silo;
    private ChildProcess? _api;

    private KudosStack(string connectionString, SmtpTestServer smtp, Dictionary<string, string> environment, Uri apiBase)
    {
        ConnectionString = connectionString;
        Smtp = smtp;
        _environment = environment;
        ApiBase = apiBase;
        Http = new HttpClient { BaseAddress = apiBase, Timeout = TimeSpan.FromSeconds(30) };
    }

    public string ConnectionString { get; }

    public SmtpTestServer Smtp { get; }

    public Uri ApiBase { get; }

    public HttpClient Http { get; }

    /// <summary>The silo's and the API's output so far, for failure messages.</summary>
    public string Logs => $"--- silo ---\n{_silo?.Log}\n--- api ---\n{_api?.Log}";

    public static async Task<KudosStack> StartAsync(string name, CancellationToken ct)
    {
        var connectionString = await TestPostgres.CreateMigratedDatabaseAsync(name, ct);
        var smtp = await SmtpTestServer.StartAsync(ct);
        var apiBase = new Uri($"http://127.0.0.1:{FreePort()}");
        var environment = new Dictionary<string, string>
        {
            ["ConnectionStrings__Kudos"] = connectionString,
            ["Orleans__ClusterId"] = $"{name}-{Guid.NewGuid():N}",
            ["Orleans__ServiceId"] = name,
            ["Orleans__SiloPort"] = FreePort().ToString(CultureInfo.InvariantCulture),
            ["Orleans__GatewayPort"] = FreePort().ToString(CultureInfo.InvariantCulture),
            ["Smtp__Host"] = "127.0.0.1",
            ["Smtp__Port"] = smtp.SmtpPort.ToString(CultureInfo.InvariantCulture),
            ["Smtp__Security"] = "None",
            ["Smtp__Timeout"] = "00:00:05",
            ["Email__From"] = "Kudos <kudos@kudos.test>",
            ["Email__Retry__BaseDelay"] = "00:00:00.500",
            ["Email__Retry__Factor"] = "2",
            ["Email__Retry__MaxAttempts"] = "4",
            ["Kudos__PublicBaseUrl"] = apiBase.ToString(),
            ["Kudos__ReminderPeriod"] = ReminderPeriod.ToString(),
        };
        var stack = new KudosStack(connectionString, smtp, environment, apiBase);
        try
        {
            await stack.StartSiloAsync(ct);
            stack._api = await ChildProcess.StartAsync(
                "api",
                ProgramPath("Api", "Kudos.Api.dll"),
                new Dictionary<string, string>(environment) { ["Urls"] = apiBase.ToString() },
                StartTimeout,
                ct);
            return stack;
        }
        catch
        {
            await stack.DisposeAsync();
            throw;
        }
    }

    public async Task StartSiloAsync(CancellationToken ct)
    {
        var environment = new Dictionary<string, string>(_environment) { ["Urls"] = $"http://127.0.0.1:{FreePort()}" };
        _silo = await ChildProcess.StartAsync("silo", ProgramPath("Silo", "Kudos.Silo.dll"), environment, StartTimeout, ct);
    }

    /// <summary>Stops the silo: SIGKILL for a crash, SIGTERM for an orderly stop.</summary>
    public Task StopSiloAsync(bool kill) => _silo?.StopAsync(kill, TimeSpan.FromSeconds(30)) ?? Task.CompletedTask;

    public HttpRequestMessage Request(HttpMethod method, string path, string? key = null, object? json = null)
    {
        var request = new HttpRequestMessage(method, path);
        if (key is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        if (json is not null)
        {
            request.Content = JsonContent.Create(json);
        }

        return request;
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        if (_api is not null)
        {
            await _api.DisposeAsync();
        }

        if (_silo is not null)
        {
            await _silo.DisposeAsync();
        }

        await Smtp.DisposeAsync();
    }

    private static string ProgramPath(string project, string dll)
    {
        // Same configuration (Debug/Release) as this test assembly: bin/<Configuration>/net10.0/.
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
        return Path.Combine(RepoPaths.Root, "src", project, "bin", configuration, "net10.0", dll);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
