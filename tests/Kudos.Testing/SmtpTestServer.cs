using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace Kudos.Testing;

/// <summary>
/// A real SMTP server on loopback for one test class or fixture: <c>deploy/local/smtp_server.py</c> (Debian's
/// aiosmtpd) in a child process, with its HTTP API to read what it accepted and to inject faults.
/// </summary>
public sealed partial class SmtpTestServer : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private readonly Process _process;
    private readonly StderrBuffer _stderr;
    private readonly HttpClient _http;

    private SmtpTestServer(Process process, StderrBuffer stderr, int smtpPort, int httpPort)
    {
        _process = process;
        _stderr = stderr;
        SmtpPort = smtpPort;
        HttpBaseAddress = new Uri($"http://127.0.0.1:{httpPort}/");
        // Long-polls carry their own bound; every call is also bounded by a linked token below.
        _http = new HttpClient { BaseAddress = HttpBaseAddress, Timeout = Timeout.InfiniteTimeSpan };
    }

    /// <summary>The SMTP port on 127.0.0.1.</summary>
    public int SmtpPort { get; }

    /// <summary>The HTTP API and mail catcher pages, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri HttpBaseAddress { get; }

    /// <summary>Starts the server on free ports and waits for its READY line.</summary>
    public static async Task<SmtpTestServer> StartAsync(CancellationToken ct)
    {
        var script = Path.Combine(RepoPaths.Root, "deploy", "local", "smtp_server.py");
        var python = Environment.GetEnvironmentVariable("KUDOS_PYTHON") is { Length: > 0 } p ? p : "/usr/bin/python3";
        var startInfo = new ProcessStartInfo(python)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in new[] { script, "--smtp-port", "0", "--http-port", "0", "--quiet", "--exit-on-stdin-eof" })
        {
            startInfo.ArgumentList.Add(argument);
        }

        // Debian's interpreter must see Debian's modules, not a pyenv's.
        startInfo.Environment.Remove("PYTHONHOME");
        startInfo.Environment.Remove("PYTHONPATH");

        var stderr = new StderrBuffer();
        var process = new Process { StartInfo = startInfo };
        process.ErrorDataReceived += (_, e) => stderr.Append(e.Data);
        try
        {
            process.Start();
        }
        catch (Exception e)
        {
            process.Dispose();
            throw new InvalidOperationException(
                $"Could not start {python} {script}: {e.Message}. Run deploy/local/ensure-deps.sh.", e);
        }

        process.BeginErrorReadLine();
        try
        {
            var (smtpPort, httpPort) = await ReadReadyLineAsync(process, stderr, ct);
            return new SmtpTestServer(process, stderr, smtpPort, httpPort);
        }
        catch
        {
            Kill(process);
            process.Dispose();
            throw;
        }
    }

    /// <summary>All messages accepted so far, oldest first.</summary>
    public async Task<IReadOnlyList<ReceivedMail>> GetMessagesAsync(CancellationToken ct)
        => await GetMailAsync("api/messages", RequestTimeout, ct);

    /// <summary>
    /// Waits until at least <paramref name="count"/> messages (to <paramref name="to"/> when given) exist, or until
    /// <paramref name="timeout"/>; returns the matching messages either way, so the caller asserts.
    /// </summary>
    public async Task<IReadOnlyList<ReceivedMail>> WaitForMessagesAsync(int count, TimeSpan timeout, string? to, CancellationToken ct)
    {
        var query = $"api/messages/wait?count={count}&timeoutMs={(long)timeout.TotalMilliseconds}";
        if (to is not null)
        {
            query += $"&to={Uri.EscapeDataString(to)}";
        }

        return await GetMailAsync(query, timeout + RequestTimeout, ct);
    }

    /// <summary>Adds a fault; it applies to the next matching SMTP transactions.</summary>
    public async Task AddFaultAsync(SmtpFault fault, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(fault);
        // StringContent, not JsonContent: a known length instead of a chunked body.
        using var content = new StringContent(JsonSerializer.Serialize(fault, JsonOptions), Encoding.UTF8, "application/json");
        using var timeout = Bounded(RequestTimeout, ct);
        using var response = await _http.PostAsync("api/faults", content, timeout.Token);
        await EnsureSuccessAsync(response, "POST /api/faults", timeout.Token);
    }

    /// <summary>Removes all messages and faults.</summary>
    public async Task ClearAsync(CancellationToken ct)
    {
        using var timeout = Bounded(RequestTimeout, ct);
        foreach (var path in new[] { "api/messages", "api/faults" })
        {
            using var response = await _http.DeleteAsync(path, timeout.Token);
            await EnsureSuccessAsync(response, $"DELETE /{path}", timeout.Token);
        }
    }

    /// <summary>Stops the server process.</summary>
    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        try
        {
            // Closing stdin asks the server to exit (--exit-on-stdin-eof); kill it if it does not.
            _process.StandardInput.Close();
            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await _process.WaitForExitAsync(grace.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or InvalidOperationException)
        {
            Kill(_process);
        }
        finally
        {
            _process.Dispose();
        }
    }

    private static async Task<(int SmtpPort, int HttpPort)> ReadReadyLineAsync(Process process, StderrBuffer stderr, CancellationToken ct)
    {
        using var timeout = Bounded(StartTimeout, ct);
        try
        {
            var line = await process.StandardOutput.ReadLineAsync(timeout.Token);
            var match = line is null ? null : ReadyLine().Match(line);
            if (match is { Success: true })
            {
                // Keep draining stdout so the child can never block on a full pipe.
                _ = process.StandardOutput.BaseStream.CopyToAsync(Stream.Null, CancellationToken.None);
                return (int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture),
                    int.Parse(match.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture));
            }

            await WaitBrieflyForExitAsync(process);
            throw new InvalidOperationException(
                $"smtp_server.py did not print a READY line (got {line ?? "end of output"}; " +
                $"exit code {(process.HasExited ? process.ExitCode : "none: still running")}). stderr:\n{stderr}");
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new TimeoutException(
                $"smtp_server.py printed no READY line within {StartTimeout.TotalSeconds} s. stderr:\n{stderr}");
        }
    }

    private static async Task WaitBrieflyForExitAsync(Process process)
    {
        using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        try
        {
            await process.WaitForExitAsync(grace.Token);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task<IReadOnlyList<ReceivedMail>> GetMailAsync(string pathAndQuery, TimeSpan budget, CancellationToken ct)
    {
        using var timeout = Bounded(budget, ct);
        using var response = await _http.GetAsync(pathAndQuery, timeout.Token);
        await EnsureSuccessAsync(response, $"GET /{pathAndQuery}", timeout.Token);
        return await response.Content.ReadFromJsonAsync<List<ReceivedMail>>(JsonOptions, timeout.Token)
            ?? throw new InvalidOperationException($"GET /{pathAndQuery} returned null");
    }

    private async Task EnsureSuccessAsync(HttpResponseMessage response, string what, CancellationToken ct)
    {
        if (!response.IsSuccessStatusCode)
        {
            var body = await response.Content.ReadAsStringAsync(ct);
            throw new InvalidOperationException(
                $"SMTP test server: {what} answered {(int)response.StatusCode}: {body}. Server stderr:\n{_stderr}");
        }
    }

    private static CancellationTokenSource Bounded(TimeSpan budget, CancellationToken ct)
    {
        var source = CancellationTokenSource.CreateLinkedTokenSource(ct);
        source.CancelAfter(budget);
        return source;
    }

    private static void Kill(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(5_000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    [GeneratedRegex(@"^READY smtp=(\d+) http=(\d+)$")]
    private static partial Regex ReadyLine();

    /// <summary>The child's stderr, kept for error messages (bounded).</summary>
    private sealed class StderrBuffer
    {
        private const int MaxChars = 16_000;
        private readonly StringBuilder _text = new();
        private readonly Lock _lock = new();

        public void Append(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (_lock)
            {
                _text.AppendLine(line);
                if (_text.Length > MaxChars)
                {
                    _text.Remove(0, _text.Length - MaxChars);
                }
            }
        }

        public override string ToString()
        {
            lock (_lock)
            {
                return _text.Length == 0 ? "(empty)" : _text.ToString();
            }
        }
    }
}
