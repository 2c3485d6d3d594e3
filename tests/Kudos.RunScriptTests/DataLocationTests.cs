using System.Diagnostics;
using Kudos.Testing;
using Xunit;

namespace Kudos.RunScriptTests;

/// <summary>
/// <c>deploy/local/postgres.sh locate</c>, the one rule for where ./run.sh keeps PostgreSQL's data: the same answer on
/// every run, an existing cluster found in either place, and a refusal that changes nothing when both places hold one.
/// </summary>
public sealed class DataLocationTests
{
    private static readonly UnixFileMode Open = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
        | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    [Fact(Timeout = 60_000)]
    public async Task The_answer_does_not_depend_on_what_exists_yet()
    {
        var ct = TestContext.Current.CancellationToken;
        using var clone = await Clone.MakeAsync(Open, ct);
        var before = await LocateAsync(clone, ct);
        Directory.CreateDirectory(Path.Combine(clone.Root, ".local", "logs"));
        var after = await LocateAsync(clone, ct);

        Assert.Equal((0, clone.InsideDataDir), (before.Exit, before.Output));
        Assert.Equal(before, after);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_cluster_in_the_other_place_is_used_rather_than_a_new_empty_one()
    {
        var ct = TestContext.Current.CancellationToken;
        using var clone = await Clone.MakeAsync(Open, ct);
        Directory.CreateDirectory(clone.OutsideDataDir);
        await File.WriteAllTextAsync(Path.Combine(clone.OutsideDataDir, "PG_VERSION"), "15\n", ct);

        Assert.Equal((0, clone.OutsideDataDir), await LocateAsync(clone, ct));
    }

    [Fact(Timeout = 60_000)]
    public async Task Two_clusters_make_it_refuse_naming_both_and_change_nothing()
    {
        var ct = TestContext.Current.CancellationToken;
        using var clone = await Clone.MakeAsync(Open, ct);
        foreach (var dir in new[] { clone.InsideDataDir, clone.OutsideDataDir })
        {
            Directory.CreateDirectory(dir);
            await File.WriteAllTextAsync(Path.Combine(dir, "PG_VERSION"), "15\n", ct);
        }

        var (exit, output, error) = await RunAsync(clone, ct);
        Assert.NotEqual(0, exit);
        Assert.Empty(output);
        Assert.Contains(clone.InsideDataDir, error, StringComparison.Ordinal);
        Assert.Contains(clone.OutsideDataDir, error, StringComparison.Ordinal);
        Assert.Equal(["PG_VERSION"], Directory.GetFileSystemEntries(clone.InsideDataDir).Select(Path.GetFileName));
        Assert.Equal(["PG_VERSION"], Directory.GetFileSystemEntries(clone.OutsideDataDir).Select(Path.GetFileName));
    }

    private static async Task<(int Exit, string Output)> LocateAsync(Clone clone, CancellationToken ct)
    {
        var (exit, output, error) = await RunAsync(clone, ct);
        Assert.True(exit == 0, error);
        return (exit, output);
    }

    private static async Task<(int Exit, string Output, string Error)> RunAsync(Clone clone, CancellationToken ct)
    {
        var script = Path.Combine(RepoPaths.Root, "deploy", "local", "postgres.sh");
        using var process = Process.Start(new ProcessStartInfo("bash", [script, "locate", clone.Root])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        })!;
        var output = process.StandardOutput.ReadToEndAsync(ct);
        var error = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        return (process.ExitCode, (await output).Trim(), await error);
    }
}
