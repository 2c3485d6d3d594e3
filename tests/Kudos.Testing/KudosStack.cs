using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.RegularExpressions;

namespace Kudos.Testing;

/// <summary>
/// The real product on this machine: a fresh PostgreSQL database with the project's schema, a real SMTP server, one silo
/// process and the API process (an Orleans client), wired only through configuration as a deployment would be.
/// </summary>
public sealed class KudosStack : IAsyncDisposable
{
    /// <summary>The reminder period the tests run with (production's default is 5 s): it bounds recovery after a restart.</summary>
    public static readonly TimeSpan ReminderPeriod = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Rate limits far above what any test sends, so that tests sharing one client address do not throttle each other; a
    /// stack started with <c>defaultRateLimits: true</c> runs with the product's defaults instead.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> RaisedRateLimits =
        new[] { "CreateBoard", "AddCard", "Invite", "Deliver", "Unsubscribe", "Webhook", "UploadImage", "React" }
            .ToDictionary(policy => $"RateLimits__{policy}__PermitsPerMinute", _ => "1000000");

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private readonly Dictionary<string, string> _environment;
    private readonly List<SiloSlot> _silos = [];
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

    /// <summary>The Orleans cluster id the silo and API run with (unique per stack).</summary>
    public string ClusterId => _environment["Orleans__ClusterId"];

    /// <summary>The Orleans service id.</summary>
    public string ServiceId => _environment["Orleans__ServiceId"];

    public SmtpTestServer Smtp { get; }

    public Uri ApiBase { get; }

    public HttpClient Http { get; }

    /// <summary>The silo's and the API's output so far, for failure messages.</summary>
    public string Logs => string.Concat(_silos.Select(s => $"--- silo{s.Index} ---\n{s.Process?.Log}\n")) + $"--- api ---\n{_api?.Log}";

    /// <summary>How many silos this stack runs (or ran): 1 unless started with <see cref="StartClusterAsync"/>.</summary>
    public int SiloCount => _silos.Count;

    /// <summary>
    /// A stack with <paramref name="silos"/> silo processes in one cluster (ADO.NET clustering on the test database), each
    /// with its own silo, gateway and HTTP ports, kept across restarts; silo 0 starts first, then the API, then the others.
    /// </summary>
    public static async Task<KudosStack> StartClusterAsync(string name, int silos, CancellationToken ct, IReadOnlyDictionary<string, string>? environment = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(silos, 1);
        var stack = await StartAsync(name, ct, environment);
        try
        {
            await Task.WhenAll(Enumerable.Range(1, silos - 1).Select(i => stack.StartSiloAsync(i, ct)));
            return stack;
        }
        catch
        {
            await stack.DisposeAsync();
            throw;
        }
    }

    /// <summary>The product's defaults for owners: new owner addresses confirm by email, and the default daily quotas apply.</summary>
    public static readonly IReadOnlyDictionary<string, string> RequireOwnerConfirmation = new Dictionary<string, string>
    {
        ["Owners__RequireConfirmation"] = "true",
        ["Owners__Quotas__BoardsPerDay"] = "50",
        ["Owners__Quotas__UnconfirmedBoardsPerDay"] = "5",
        ["Owners__Quotas__InvitationsPerDay"] = "500",
    };

    /// <summary>
    /// Starts the stack; <paramref name="environment"/> adds or overrides configuration (<c>Section__Key</c>) of both
    /// processes. Rate limits are <see cref="RaisedRateLimits"/> unless <paramref name="defaultRateLimits"/>.
    /// </summary>
    public static async Task<KudosStack> StartAsync(string name, CancellationToken ct, IReadOnlyDictionary<string, string>? environment = null, bool defaultRateLimits = false)
    {
        var connectionString = await TestPostgres.CreateMigratedDatabaseAsync(name, ct);
        var smtp = await SmtpTestServer.StartAsync(ct);
        var apiBase = new Uri($"http://127.0.0.1:{Ports.Free()}");
        var settings = new Dictionary<string, string>
        {
            ["ConnectionStrings__Kudos"] = connectionString,
            ["Orleans__ClusterId"] = $"{name}-{Guid.NewGuid():N}",
            ["Orleans__ServiceId"] = name,
            ["Orleans__SiloPort"] = Ports.Free().ToString(CultureInfo.InvariantCulture),
            ["Orleans__GatewayPort"] = Ports.Free().ToString(CultureInfo.InvariantCulture),
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

            // Tests of other features create boards freely (many under one owner address); the owner tests pass
            // RequireOwnerConfirmation and the product's quotas.
            ["Owners__RequireConfirmation"] = "false",
            ["Owners__Quotas__BoardsPerDay"] = "1000000",
            ["Owners__Quotas__UnconfirmedBoardsPerDay"] = "1000000",
            ["Owners__Quotas__InvitationsPerDay"] = "1000000",

            // Tests of other features deliver boards without cards; the empty-board tests choose each board's policy.
            ["Kudos__DefaultEmptyBoardPolicy"] = "DeliverAnyway",
        };
        var overrides = defaultRateLimits ? [] : RaisedRateLimits.ToList();
        overrides.AddRange(environment ?? new Dictionary<string, string>());
        foreach (var (key, value) in overrides)
        {
            settings[key] = value;
        }

        var stack = new KudosStack(connectionString, smtp, settings, apiBase);
        try
        {
            await stack.StartSiloAsync(ct);
            stack._api = await ChildProcess.StartAsync(
                "api",
                ProgramPath("Api", "Kudos.Api.dll"),
                new Dictionary<string, string>(settings) { ["Urls"] = apiBase.ToString() },
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

    public Task StartSiloAsync(CancellationToken ct) => StartSiloAsync(0, ct);

    /// <summary>Stops the silo: SIGKILL for a crash, SIGTERM for an orderly stop.</summary>
    public Task StopSiloAsync(bool kill) => StopSiloAsync(0, kill);

    /// <summary>Starts (or restarts, on the same ports while they are free) silo <paramref name="index"/>; indexes are 0, 1, 2… in order.</summary>
    public async Task StartSiloAsync(int index, CancellationToken ct)
    {
        SiloSlot slot;
        lock (_silos)
        {
            ArgumentOutOfRangeException.ThrowIfGreaterThan(index, _silos.Count);
            if (index == _silos.Count)
            {
                var environment = new Dictionary<string, string>(_environment) { ["Urls"] = $"http://127.0.0.1:{Ports.Free()}" };
                if (index > 0)
                {
                    environment["Orleans__SiloPort"] = Ports.Free().ToString(CultureInfo.InvariantCulture);
                    environment["Orleans__GatewayPort"] = Ports.Free().ToString(CultureInfo.InvariantCulture);
                }

                _silos.Add(new SiloSlot(index, environment));
            }

            slot = _silos[index];
        }

        if (slot.Process is { HasExited: false })
        {
            throw new InvalidOperationException($"silo{index} is already running.");
        }

        if (slot.Process is { } previous)
        {
            await previous.DisposeAsync();

            // A restart keeps the silo's ports, unless another process took one meanwhile (other test projects pick free
            // ports at the same time): then that one moves, as a silo restarted elsewhere would.
            foreach (var key in new[] { "Orleans__SiloPort", "Orleans__GatewayPort" })
            {
                if (slot.Environment.TryGetValue(key, out var port) && !Ports.IsFree(int.Parse(port, CultureInfo.InvariantCulture)))
                {
                    slot.Environment[key] = Ports.Free().ToString(CultureInfo.InvariantCulture);
                }
            }

            if (!Ports.IsFree(new Uri(slot.Environment["Urls"]).Port))
            {
                slot.Environment["Urls"] = $"http://127.0.0.1:{Ports.Free()}";
            }
        }

        slot.Process = await ChildProcess.StartAsync($"silo{index}", ProgramPath("Silo", "Kudos.Silo.dll"), slot.Environment, StartTimeout, ct);
    }

    /// <summary>Stops silo <paramref name="index"/>: SIGKILL for a crash, SIGTERM for an orderly stop (bounded by <paramref name="timeout"/>, 30 s by default).</summary>
    public Task StopSiloAsync(int index, bool kill, TimeSpan? timeout = null) =>
        index < _silos.Count && _silos[index].Process is { } process ? process.StopAsync(kill, timeout ?? TimeSpan.FromSeconds(30)) : Task.CompletedTask;

    /// <summary>The HTTP base address of silo <paramref name="index"/> (health, metrics, dashboard).</summary>
    public Uri SiloHttp(int index) => new(_silos[index].Environment["Urls"]);

    /// <summary>The silo-to-silo port of silo <paramref name="index"/> (its row in the membership table).</summary>
    public int SiloPort(int index) => int.Parse(_silos[index].Environment["Orleans__SiloPort"], CultureInfo.InvariantCulture);

    /// <summary>Whether silo <paramref name="index"/> runs now.</summary>
    public bool IsSiloRunning(int index) => index < _silos.Count && _silos[index].Process is { HasExited: false };

    /// <summary>Silo <paramref name="index"/>'s output so far.</summary>
    public string SiloLog(int index) => index < _silos.Count ? _silos[index].Process?.Log ?? "" : "";

    /// <summary>
    /// The first line a running silo wrote, or writes within <paramref name="timeout"/>, that matches
    /// <paramref name="pattern"/>; null when none did. The silo announces each state it stores (see
    /// <see cref="WaitForDispatchAsync"/>), so a test waits for that announcement instead of reading the state again and again.
    /// </summary>
    public async Task<string?> WaitForSiloLineAsync(Regex pattern, TimeSpan timeout, CancellationToken ct)
    {
        List<ChildProcess> running;
        lock (_silos)
        {
            running = [.. _silos.Select(s => s.Process).OfType<ChildProcess>().Where(p => !p.HasExited)];
        }

        using var first = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var waits = running.Select(p => p.WaitForLineAsync(pattern, timeout, first.Token)).ToList();
        while (waits.Count > 0)
        {
            var done = await Task.WhenAny(waits);
            waits.Remove(done);
            if (await done is { } line)
            {
                await first.CancelAsync();
                await Task.WhenAll(waits.Select(w => w.ContinueWith(_ => { }, TaskScheduler.Default)));
                return line;
            }
        }

        return null;
    }

    /// <summary>
    /// Waits until a silo announces that dispatch <paramref name="dispatchId"/> stored <paramref name="status"/> (the grain
    /// logs each decision right after its state write: enqueued, sent, retrying, failed, held, not sent, provider event);
    /// returns the line, or null when <paramref name="timeout"/> passed first. The caller then reads the state once and asserts.
    /// </summary>
    public Task<string?> WaitForDispatchAsync(string dispatchId, string status, TimeSpan timeout, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(status);
        var id = Regex.Escape(dispatchId);
        var named = Regex.Escape(status);
        var own = status switch
        {
            "Sent" => @"|\(.*\) sent on attempt ",
            "Failed" => "|failed for good ",
            "Held" => "|held: ",
            _ => "",
        };
        var pattern = new Regex($@"Dispatch {id} (enqueued \(.*\): {named}\b|not sent, {named}:|applied provider event \S+: now {named}\b{own})", RegexOptions.CultureInvariant);
        return WaitForSiloLineAsync(pattern, timeout, ct);
    }

    /// <summary>The API's output so far.</summary>
    public string ApiLog => _api?.Log ?? "";

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

        foreach (var slot in _silos.Where(s => s.Process is not null).Reverse())
        {
            await slot.Process!.DisposeAsync();
        }

        await Smtp.DisposeAsync();
    }

    private static string ProgramPath(string project, string dll)
    {
        // Same configuration (Debug/Release) as this test assembly: bin/<Configuration>/net10.0/.
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
        return Path.Combine(RepoPaths.Root, "src", project, "bin", configuration, "net10.0", dll);
    }


    /// <summary>One silo of the stack: its configuration (ports fixed at first start) and its current process.</summary>
    private sealed class SiloSlot(int index, Dictionary<string, string> environment)
    {
        public int Index { get; } = index;

        public Dictionary<string, string> Environment { get; } = environment;

        public ChildProcess? Process { get; set; }
    }
}
