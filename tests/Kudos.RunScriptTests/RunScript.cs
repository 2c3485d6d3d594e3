using System.Diagnostics;
using System.Text;
using Kudos.Testing;

namespace Kudos.RunScriptTests;

/// <summary>
/// <c>./run.sh</c> as a user runs it, in a <see cref="Clone"/>: ready when it prints its "Kudos is running" banner,
/// stopped with SIGTERM (which it handles as it handles Ctrl-C: a test host may start children with SIGINT ignored, and a
/// shell cannot trap a signal ignored on entry), its output kept for failure messages.
/// </summary>
public sealed class RunScript : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private RunScript(Process process) => _process = process;

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public int? ExitCode => _process.HasExited ? _process.ExitCode : null;

    public static RunScript Start(Clone clone, RunPorts ports, params string[] arguments)
    {
        var info = new ProcessStartInfo("bash", [Path.Combine(clone.Root, "run.sh"), .. arguments])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = clone.Root,
        };
        foreach (var (key, value) in ports.Environment())
        {
            info.Environment[key] = value;
        }

        // These tests are about data surviving restarts; owner confirmation has its own tests (Kudos.EndToEndTests).
        info.Environment["Owners__RequireConfirmation"] = "false";

        // The tests' own PostgreSQL must not leak into the product's run.
        info.Environment.Remove("KUDOS_TEST_POSTGRES");
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var script = new RunScript(process);
        process.OutputDataReceived += (_, e) => script.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => script.OnLine(e.Data);
        process.Exited += (_, _) => script._exited.TrySetResult();
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return script;
    }

    /// <summary>Waits for the banner; throws with the output when the script exits first or the time runs out.</summary>
    public async Task WaitReadyAsync(TimeSpan timeout, CancellationToken ct)
    {
        Task first;
        try
        {
            first = await Task.WhenAny(_ready.Task, _exited.Task).WaitAsync(timeout, ct);
        }
        catch (TimeoutException)
        {
            throw new InvalidOperationException($"./run.sh was not ready within {timeout}. Output:\n{Output}");
        }

        if (first != _ready.Task)
        {
            throw new InvalidOperationException($"./run.sh exited ({_process.ExitCode}) before its banner. Output:\n{Output}");
        }
    }

    /// <summary>Waits for the script to end by itself (e.g. refusing to start).</summary>
    public async Task<int> WaitExitAsync(TimeSpan timeout, CancellationToken ct)
    {
        try
        {
            // Unlike the Exited event, this also waits until the script's output has been read to its end.
            await _process.WaitForExitAsync(ct).WaitAsync(timeout, ct);
        }
        catch (TimeoutException)
        {
            throw new InvalidOperationException($"./run.sh did not exit within {timeout}. Output:\n{Output}");
        }

        return _process.ExitCode;
    }

    /// <summary>SIGTERM; the script then stops what it started, in reverse order.</summary>
    public async Task StopAsync(TimeSpan timeout)
    {
        if (_process.HasExited)
        {
            return;
        }

        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill!.WaitForExitAsync();
        }

        try
        {
            await _process.WaitForExitAsync().WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            _process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"./run.sh did not stop within {timeout} of SIGTERM. Output:\n{Output}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync(TimeSpan.FromSeconds(60));
        }
        finally
        {
            _process.Dispose();
        }
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }

        if (line.Contains("Kudos is running", StringComparison.Ordinal))
        {
            _ready.TrySetResult();
        }
    }
}

/// <summary>Every port ./run.sh uses, set through its environment overrides (free ones, so runs never clash with others).</summary>
public sealed record RunPorts(int Api, int Silo, int Gateway, int SiloHttp, int Smtp, int MailHttp)
{
    public static RunPorts Free() => new(Ports.Free(), Ports.Free(), Ports.Free(), Ports.Free(), Ports.Free(), Ports.Free());

    public Uri ApiUrl => new($"http://127.0.0.1:{Api}");

    public Uri MailUrl => new($"http://127.0.0.1:{MailHttp}");

    public IEnumerable<KeyValuePair<string, string>> Environment() =>
    [
        new("KUDOS_API_URL", ApiUrl.ToString().TrimEnd('/')),
        new("KUDOS_SILO_PORT", Silo.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        new("KUDOS_GATEWAY_PORT", Gateway.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        new("KUDOS_SILO_HTTP_PORT", SiloHttp.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        new("KUDOS_SMTP_PORT", Smtp.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        new("KUDOS_MAIL_HTTP_PORT", MailHttp.ToString(System.Globalization.CultureInfo.InvariantCulture)),
    ];
}
