using System.Globalization;
using System.Text.RegularExpressions;
using Kudos.Testing;

namespace Kudos.ContainerTests.Infrastructure;

/// <summary>
/// deploy/compose.yaml plus the test-only override deploy/compose.test.yaml, run with podman-compose as a project of its
/// own (its containers, network, volume and image tags carry a name unique to this test process), publishing the API
/// and the mail catcher on free loopback ports.
/// </summary>
public sealed partial class ComposeStack : IAsyncDisposable
{
    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(15);
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(3);

    private readonly Dictionary<string, string> _environment;

    public ComposeStack()
    {
        Project = $"kudosct{Environment.ProcessId}";
        _environment = new Dictionary<string, string>
        {
            // "127.0.0.1:" + ":8080" → podman publishes on a free loopback port (never the operator's 8080/8025).
            ["KUDOS_API_PUBLISH"] = "127.0.0.1:",
            ["KUDOS_MAIL_PUBLISH"] = "127.0.0.1:",
            ["KUDOS_IMAGE_TAG"] = Project,

            // The container tier tests delivery and failover, not owner confirmation (tested in Kudos.EndToEndTests).
            ["KUDOS_REQUIRE_OWNER_CONFIRMATION"] = "false",
            // Docker's image format keeps the images' HEALTHCHECK (the OCI format has no field for it).
            ["BUILDAH_FORMAT"] = "docker",
        };
    }

    /// <summary>The compose project name; containers are <c>{Project}_{service}_1</c>.</summary>
    public string Project { get; }

    /// <summary>The API's published address, known after <see cref="UpAsync"/>.</summary>
    public Uri? ApiBase { get; private set; }

    /// <summary>The mail catcher's published address (web pages and JSON API), known after <see cref="UpAsync"/>.</summary>
    public Uri? MailBase { get; private set; }

    public string Container(string service) => $"{Project}_{service}_1";

    /// <summary>Builds the silo and API images through compose's build sections (on the local base images).</summary>
    public Task BuildAsync(CancellationToken ct) => ComposeAsync(["build"], BuildTimeout, "podman-compose build", ct);

    /// <summary>Creates and starts every service, then reads the host ports podman picked.</summary>
    public async Task UpAsync(CancellationToken ct)
    {
        await ComposeAsync(["up", "-d", "--no-build"], CommandTimeout, "podman-compose up", ct);
        ApiBase = await PublishedAsync("api", 8080, ct);
        MailBase = await PublishedAsync("mail", 8025, ct);
    }

    /// <summary>Stops and removes the containers; the data volume stays unless <paramref name="volumes"/>.</summary>
    public async Task DownAsync(bool volumes, CancellationToken ct)
    {
        // podman-compose reports the stop of an absent container as a failure line: the state is checked instead.
        await Compose(volumes ? ["down", "-v"] : ["down"], CommandTimeout, ct);
        var left = await PodmanAsync(["ps", "-a", "--filter", $"label=io.podman.compose.project={Project}", "--format", "{{.Names}}"], ct);
        if (left.Output.Trim().Length > 0)
        {
            throw new InvalidOperationException($"podman-compose down left containers behind: {left.Output.Trim()}");
        }
    }

    /// <summary>SIGKILL to the service's container: a crash, no graceful stop.</summary>
    public async Task KillAsync(string service, CancellationToken ct) =>
        (await PodmanAsync(["kill", "--signal", "KILL", Container(service)], ct)).EnsureSuccess($"podman kill {service}");

    /// <summary>The container's state (<c>running</c>, <c>exited</c>, …).</summary>
    public async Task<string> StateAsync(string service, CancellationToken ct) =>
        (await PodmanAsync(["inspect", "--format", "{{.State.Status}}", Container(service)], ct)).EnsureSuccess($"podman inspect {service}").Output.Trim();

    /// <summary>Runs the image's HEALTHCHECK once (nothing runs it on a timer without systemd).</summary>
    public Task<CommandResult> HealthcheckAsync(string service, CancellationToken ct) => PodmanAsync(["healthcheck", "run", Container(service)], ct);

    /// <summary>A value from <c>podman inspect</c> of the container, e.g. <c>{{.Config.User}}</c>.</summary>
    public async Task<string> InspectAsync(string service, string format, CancellationToken ct) =>
        (await PodmanAsync(["inspect", "--format", format, Container(service)], ct)).EnsureSuccess($"podman inspect {service}").Output.Trim();

    /// <summary>The last lines each service logged, for failure messages.</summary>
    public async Task<string> LogsAsync(CancellationToken ct)
    {
        var logs = new System.Text.StringBuilder();
        foreach (var service in new[] { "postgres", "mail", "silo1", "silo2", "api" })
        {
            var result = await PodmanAsync(["logs", "--tail", "60", Container(service)], ct);
            logs.Append(CultureInfo.InvariantCulture, $"--- {service} ---\n{result.Output}\n");
        }

        return logs.ToString();
    }

    /// <summary>Removes everything of this project: containers, the volume, the network and the image tags.</summary>
    public async ValueTask DisposeAsync()
    {
        using var bound = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await Compose(["down", "-v"], CommandTimeout, bound.Token);
        await PodmanAsync(["network", "rm", "--force", $"{Project}_default"], bound.Token);
        await PodmanAsync(["rmi", $"localhost/kudos-silo:{Project}", $"localhost/kudos-api:{Project}"], bound.Token);
    }

    private async Task<Uri> PublishedAsync(string service, int port, CancellationToken ct)
    {
        var result = (await PodmanAsync(["port", Container(service), port.ToString(CultureInfo.InvariantCulture)], ct)).EnsureSuccess($"podman port {service}");
        var first = result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[0];
        return new Uri($"http://{first.Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal)}/");
    }

    private async Task ComposeAsync(string[] arguments, TimeSpan timeout, string what, CancellationToken ct)
    {
        var result = await Compose(arguments, timeout, ct);
        // podman-compose 1.0.x exits 0 even when a podman command it ran failed; it prints "exit code: N" after each.
        var failed = ExitCodeLine().Matches(result.Output).Where(m => m.Groups[1].Value != "0").ToList();
        if (!result.Succeeded || failed.Count > 0)
        {
            throw new InvalidOperationException($"{what} failed ({failed.Count} podman command(s) with a non-zero exit): {result.CommandLine}\n{result.Tail(60)}");
        }
    }

    private Task<CommandResult> Compose(string[] arguments, TimeSpan timeout, CancellationToken ct) =>
        Command.RunAsync(
            "podman-compose",
            ["-f", "deploy/compose.yaml", "-f", "deploy/compose.test.yaml", "-p", Project, .. arguments],
            timeout,
            ct,
            _environment,
            RepoPaths.Root);

    private static Task<CommandResult> PodmanAsync(string[] arguments, CancellationToken ct) =>
        Command.RunAsync("podman", arguments, CommandTimeout, ct);

    [GeneratedRegex(@"^exit code: (-?\d+)\s*$", RegexOptions.Multiline)]
    private static partial Regex ExitCodeLine();
}
