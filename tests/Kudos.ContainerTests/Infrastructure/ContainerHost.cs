using Xunit;

namespace Kudos.ContainerTests.Infrastructure;

/// <summary>
/// Readies this machine for the container tier: podman and friends (installed as root by
/// deploy/containers/ensure-podman.sh) and the local base images (deploy/containers/base-images.sh, kept between
/// runs). Where containers cannot run, the test is skipped with the reason; it never passes without running.
/// </summary>
public static class ContainerHost
{
    public static async Task<TimeSpan> EnsureAsync(ITestOutputHelper output, CancellationToken ct)
    {
        if (Environment.GetEnvironmentVariable("KUDOS_SKIP_CONTAINERS") == "1")
        {
            Assert.Skip("KUDOS_SKIP_CONTAINERS=1: the container tier was not run.");
        }

        if (!OperatingSystem.IsLinux())
        {
            Assert.Skip("The container tier runs podman on Linux; this is not Linux.");
        }

        var started = TimeProvider.System.GetTimestamp();
        var podman = await Command.RunAsync("bash", ["deploy/containers/ensure-podman.sh"], TimeSpan.FromMinutes(10), ct);
        if (!podman.Succeeded)
        {
            Assert.Skip($"Containers cannot run on this machine, so the container tier was not run:\n{podman.Tail(10)}");
        }

        var images = await Command.RunAsync("bash", ["deploy/containers/base-images.sh"], TimeSpan.FromMinutes(15), ct);
        images.EnsureSuccess("Building the local base images");
        if (images.Output.Trim().Length > 0)
        {
            output.WriteLine(images.Output.Trim());
        }

        return TimeProvider.System.GetElapsedTime(started);
    }
}
