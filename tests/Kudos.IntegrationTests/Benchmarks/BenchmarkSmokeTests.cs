using System.Diagnostics;
using System.Text;
using Kudos.Testing;
using Xunit;

namespace Kudos.IntegrationTests.Benchmarks;

/// <summary>
/// The benchmark program (bench/Kudos.Benchmarks) in its seconds-long smoke mode, so it keeps compiling and running.
/// It is a measurement, not a test: only that it ran every scenario is checked, never a number.
/// </summary>
public sealed class BenchmarkSmokeTests
{
    private static readonly string[] Scenarios = ["P1", "P2", "P3", "P4", "P5"];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact(Timeout = 300_000)]
    public async Task Smoke_run_completes_and_prints_a_row_for_every_scenario()
    {
        var report = Path.Combine(Path.GetTempPath(), $"kudos-bench-smoke-{Guid.NewGuid():N}.md");
        try
        {
            var (exitCode, output) = await RunAsync(["--smoke", "--output", report]);

            Assert.True(exitCode == 0, $"the benchmark exited {exitCode}. Its output:\n{output}");
            foreach (var id in Scenarios)
            {
                Assert.True(output.Contains($"| {id} |", StringComparison.Ordinal), $"no table row for {id}. Output:\n{output}");
            }

            var markdown = await File.ReadAllTextAsync(report, Ct);
            Assert.All(Scenarios, id => Assert.Contains($"## {id}:", markdown, StringComparison.Ordinal));
        }
        finally
        {
            File.Delete(report);
        }
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string[] arguments)
    {
        // Same configuration (Debug/Release) as this test assembly.
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
        var dll = Path.Combine(RepoPaths.Root, "bench", "Kudos.Benchmarks", "bin", configuration, "net10.0", "Kudos.Benchmarks.dll");
        Assert.True(File.Exists(dll), $"{dll} is missing: the test project references the benchmark so that building builds it.");
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(dll);
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        var output = new StringBuilder();
        using var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await process.WaitForExitAsync(Ct);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }

        // The exit event can precede the last output lines: wait for the streams to drain.
        process.WaitForExit();
        lock (output)
        {
            return (process.ExitCode, output.ToString());
        }

        void Append(string? line)
        {
            if (line is not null)
            {
                lock (output)
                {
                    output.AppendLine(line);
                }
            }
        }
    }
}
