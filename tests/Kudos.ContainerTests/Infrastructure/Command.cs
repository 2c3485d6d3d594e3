using System.Diagnostics;
using System.Text;

namespace Kudos.ContainerTests.Infrastructure;

/// <summary>The outcome of a finished command: its exit code and its output (stdout and stderr interleaved).</summary>
public sealed record CommandResult(string CommandLine, int ExitCode, string Output)
{
    public bool Succeeded => ExitCode == 0;

    /// <summary>The last lines of the output, for failure messages.</summary>
    public string Tail(int lines = 40) => string.Join('\n', Output.Split('\n').TakeLast(lines));

    public CommandResult EnsureSuccess(string what) =>
        Succeeded ? this : throw new InvalidOperationException($"{what} failed (exit {ExitCode}): {CommandLine}\n{Tail()}");
}

/// <summary>Runs a command line tool (podman, podman-compose, the deploy scripts) to completion under a time bound.</summary>
public static class Command
{
    public static async Task<CommandResult> RunAsync(string file, IEnumerable<string> arguments, TimeSpan timeout, CancellationToken ct, IReadOnlyDictionary<string, string>? environment = null, string? workingDirectory = null)
    {
        var startInfo = new ProcessStartInfo(file)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            WorkingDirectory = workingDirectory ?? Kudos.Testing.RepoPaths.Root,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            startInfo.Environment[key] = value;
        }

        var commandLine = $"{file} {string.Join(' ', startInfo.ArgumentList)}";
        var output = new StringBuilder();
        using var process = new Process { StartInfo = startInfo };
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return new CommandResult(commandLine, 127, e.Message);
        }

        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(ct);
        bounded.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(bounded.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            ct.ThrowIfCancellationRequested();
            throw new TimeoutException($"{commandLine} did not finish within {timeout.TotalSeconds:0} s.\n{Text(output)}");
        }

        // The asynchronous readers deliver their last lines after the exit: wait for the end of both streams.
        process.WaitForExit();
        return new CommandResult(commandLine, process.ExitCode, Text(output));
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.AppendLine(line);
        }
    }

    private static string Text(StringBuilder output)
    {
        lock (output)
        {
            return output.ToString();
        }
    }
}
