using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace Kudos.Testing;

/// <summary>
/// A .NET program of the solution run as its own OS process, as in production. Its output is kept for failure messages,
/// and start-up completes on the host's own "Application started" line rather than on a sleep. Tests wait for what the
/// process announces on its output in the same way (<see cref="WaitForLineAsync"/>).
/// </summary>
public sealed class ChildProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _log = new();
    private readonly List<string> _lines = [];
    private readonly List<(Regex Pattern, TaskCompletionSource<string> Signal)> _waiters = [];
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ChildProcess(string name, Process process)
    {
        Name = name;
        _process = process;
    }

    public string Name { get; }

    public bool HasExited => _process.HasExited;

    /// <summary>Everything the process wrote so far (stdout and stderr), for diagnostics.</summary>
    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    /// <summary>
    /// The first line the process wrote, or writes within <paramref name="timeout"/>, that matches <paramref name="pattern"/>;
    /// null when none did. Completed by the line itself, never by reading the output again.
    /// </summary>
    public async Task<string?> WaitForLineAsync(Regex pattern, TimeSpan timeout, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        var waiter = (pattern, new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously));
        lock (_log)
        {
            if (_lines.Find(pattern.IsMatch) is { } written)
            {
                return written;
            }

            _waiters.Add(waiter);
        }

        try
        {
            return await waiter.Item2.Task.WaitAsync(timeout, ct);
        }
        catch (TimeoutException)
        {
            return null;
        }
        finally
        {
            lock (_log)
            {
                _waiters.Remove(waiter);
            }
        }
    }

    public static async Task<ChildProcess> StartAsync(string name, string dllPath, IReadOnlyDictionary<string, string> environment, TimeSpan timeout, CancellationToken ct)
    {
        if (!File.Exists(dllPath))
        {
            throw new FileNotFoundException($"{name}: {dllPath} is missing; build the solution first (dotnet build).", dllPath);
        }

        var info = new ProcessStartInfo("dotnet", [dllPath])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(dllPath)!,
        };
        info.Environment["DOTNET_ENVIRONMENT"] = "Production";
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        info.Environment["Logging__Console__FormatterName"] = "simple";
        info.Environment["Logging__Console__FormatterOptions__SingleLine"] = "true";
        info.Environment["Logging__Console__FormatterOptions__TimestampFormat"] = "HH:mm:ss.fff ";
        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var child = new ChildProcess(name, process);
        process.OutputDataReceived += (_, e) => child.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => child.OnLine(e.Data);
        process.Exited += (_, _) => child._exited.TrySetResult();
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        Task? started;
        try
        {
            started = await Task.WhenAny(child._started.Task, child._exited.Task).WaitAsync(timeout, ct);
        }
        catch (TimeoutException)
        {
            started = null;
        }

        if (started != child._started.Task)
        {
            var why = started == child._exited.Task ? "exited during start-up" : $"did not start within {timeout.TotalSeconds:0} s";
            await child.DisposeAsync();
            throw new InvalidOperationException($"{name} {why}. Its output:\n{child.Log}");
        }

        return child;
    }

    /// <summary>Stops the process: SIGKILL when <paramref name="kill"/> (a crash), otherwise SIGTERM and a bounded wait.</summary>
    public async Task StopAsync(bool kill, TimeSpan timeout)
    {
        if (_process.HasExited)
        {
            return;
        }

        if (kill)
        {
            _process.Kill(entireProcessTree: true);
        }
        else
        {
            _ = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])?.WaitForExitAsync();
        }

        try
        {
            await _exited.Task.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            _process.Kill(entireProcessTree: true);
            await _exited.Task;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(kill: true, TimeSpan.FromSeconds(10));
        _process.Dispose();
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_log)
        {
            _log.AppendLine(line);
            _lines.Add(line);
            foreach (var (pattern, signal) in _waiters)
            {
                if (pattern.IsMatch(line))
                {
                    signal.TrySetResult(line);
                }
            }
        }

        if (line.Contains("Application started", StringComparison.Ordinal))
        {
            _started.TrySetResult();
        }
    }
}
