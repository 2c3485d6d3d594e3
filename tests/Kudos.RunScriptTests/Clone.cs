using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Kudos.Testing;

namespace Kudos.RunScriptTests;

/// <summary>
/// A copy of this checkout (the files git tracks, plus new ones it does not ignore, as in the working tree) in a folder
/// of its own, as a user's clone would be: in a folder every user can enter (<c>/srv/kudos</c>), or in one closed to
/// others (a clone under <c>/root</c>).
/// </summary>
public sealed class Clone : IDisposable
{
    private readonly string _parent;

    private Clone(string parent, string root)
    {
        _parent = parent;
        Root = root;
    }

    public string Root { get; }

    /// <summary>Where ./run.sh keeps PostgreSQL's data for a clone closed to the <c>postgres</c> user.</summary>
    public string OutsideDataDir => $"/var/tmp/kudos-orleans-{Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(Root)))[..12]}/pg";

    public string InsideDataDir => Path.Combine(Root, ".local", "pg");

    public static async Task<Clone> MakeAsync(UnixFileMode parentMode, CancellationToken ct)
    {
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("./run.sh runs on Linux.");
        }

        var parent = Directory.CreateTempSubdirectory("kudos-run-").FullName;
        File.SetUnixFileMode(parent, parentMode);
        var root = Path.Combine(parent, "kudos");
        var files = await RunAsync("git", ["-C", RepoPaths.Root, "ls-files", "-z", "--cached", "--others", "--exclude-standard"], ct);
        foreach (var file in files.Split('\0', StringSplitOptions.RemoveEmptyEntries))
        {
            var source = Path.Combine(RepoPaths.Root, file);
            if (!File.Exists(source))
            {
                continue; // deleted in the working tree
            }

            var target = Path.Combine(root, file);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(source, target);
        }

        return new Clone(parent, Path.GetFullPath(root));
    }


    public void Dispose()
    {
        // The cluster's files belong to `postgres`; as root (the only case where they live outside) they can be removed.
        TryDelete(_parent);
        TryDelete(Path.GetDirectoryName(OutsideDataDir)!);
    }

    private static void TryDelete(string path)
    {
        try
        {
            if (Directory.Exists(path))
            {
                Directory.Delete(path, recursive: true);
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private static async Task<string> RunAsync(string file, string[] arguments, CancellationToken ct)
    {
        using var process = Process.Start(new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, UseShellExecute = false })!;
        var output = await process.StandardOutput.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        return process.ExitCode == 0 ? output : throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} exited {process.ExitCode}");
    }
}
