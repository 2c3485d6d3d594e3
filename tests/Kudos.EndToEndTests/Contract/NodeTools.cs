using System.Diagnostics;
using Kudos.Testing;

namespace Kudos.EndToEndTests.Contract;

/// <summary>The pinned npm tools of the repository (<c>package.json</c>, installed by <c>deploy/local/ensure-deps.sh</c>).</summary>
public static class NodeTools
{
    public sealed record Result(int ExitCode, string Output);

    /// <summary>Runs <c>node_modules/.bin/<paramref name="tool"/></c> in <paramref name="workingDirectory"/> (default: the repository).</summary>
    public static Task<Result> RunToolAsync(string tool, IEnumerable<string> arguments, CancellationToken ct, string? workingDirectory = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        var path = Path.Combine(RepoPaths.Root, "node_modules", ".bin", tool);
        if (!File.Exists(path))
        {
            throw new InvalidOperationException(
                $"{path} is missing: install the pinned npm tools with deploy/local/ensure-deps.sh (./test.sh runs it), or `npm ci` in {RepoPaths.Root}.");
        }

        return RunAsync(path, arguments, workingDirectory ?? RepoPaths.Root, environment, ct);
    }

    /// <summary>Runs Node.js itself.</summary>
    public static Task<Result> RunNodeAsync(IEnumerable<string> arguments, string workingDirectory, IReadOnlyDictionary<string, string> environment, CancellationToken ct) =>
        RunAsync("node", arguments, workingDirectory, environment, ct);

    private static async Task<Result> RunAsync(string file, IEnumerable<string> arguments, string workingDirectory, IReadOnlyDictionary<string, string>? environment, CancellationToken ct)
    {
        var info = new ProcessStartInfo(file, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        info.Environment["NO_COLOR"] = "1";
        info.Environment["REDOCLY_TELEMETRY"] = "off";
        info.Environment["REDOCLY_SUPPRESS_UPDATE_NOTICE"] = "true";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {file}.");
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        try
        {
            await process.WaitForExitAsync(ct);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return new Result(process.ExitCode, $"{await stdout}{await stderr}");
    }
}
