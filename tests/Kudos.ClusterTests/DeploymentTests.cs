using System.Diagnostics;
using System.Text.RegularExpressions;
using Kudos.ClusterTests.Infrastructure;
using Kudos.Testing;
using Xunit;
using YamlDotNet.Core;
using YamlDotNet.Serialization;

namespace Kudos.ClusterTests;

/// <summary>
/// deploy/ checked without running it (tests/Kudos.ContainerTests builds and runs the compose stack for real): every
/// compose and manifest file parses, the Kubernetes manifests are valid against the Kubernetes API schemas, the images
/// start the programs the solution builds, and every configuration name they set is a key the code binds (found by
/// reflection on the built silo and API) — and the keys a deployment cannot do without are set.
/// </summary>
public sealed partial class DeploymentTests(ITestOutputHelper output)
{
    private static readonly string Deploy = Path.Combine(RepoPaths.Root, "deploy");

    /// <summary>Names that are not the product's configuration: the images' own and the standard runtime variables.</summary>
    private static readonly string[] ForeignPrefixes = ["POSTGRES_", "MP_", "ASPNETCORE_", "DOTNET_", "OTEL_"];

    /// <summary>What every silo and every API process needs in a deployment (Section__Key).</summary>
    private static readonly string[] RequiredEverywhere = ["ConnectionStrings__Kudos", "Orleans__ClusterId", "Orleans__ServiceId", "Dashboard__Password"];

    private static readonly string[] RequiredOnSilos = ["Orleans__AdvertisedAddress", "Smtp__Host", "Kudos__PublicBaseUrl"];

    private static readonly Lazy<IReadOnlySet<string>> SiloKeys = new(() => ConfigurationKeys.For("Silo", "Kudos.Silo"));
    private static readonly Lazy<IReadOnlySet<string>> ApiKeys = new(() => ConfigurationKeys.For("Api", "Kudos.Api"));

    [Fact]
    public void Reflection_finds_the_keys_the_code_binds()
    {
        foreach (var key in new[] { "Orleans:AdvertisedAddress", "Orleans:Membership:ProbeTimeout", "Orleans:Membership:NumMissedProbesLimit", "HostOptions:ShutdownTimeout", "Smtp:Host", "Email:Retry:MaxAttempts", "Kudos:ReminderPeriod", "Dashboard:Password", "OpenTelemetry:OtlpEndpoint" })
        {
            Assert.Contains(key, SiloKeys.Value);
        }

        foreach (var key in new[] { "ConnectionStrings:Kudos", "Dashboard:User", "Dashboard:Password", "OpenTelemetry:ServiceName" })
        {
            Assert.Contains(key, ApiKeys.Value);
        }

        Assert.DoesNotContain("Orleans:Membership:ProbeTimeout", ApiKeys.Value);
        output.WriteLine($"silo binds {SiloKeys.Value.Count} keys, API {ApiKeys.Value.Count}");
    }

    [Fact]
    public void The_compose_file_runs_the_built_programs_with_real_configuration_names()
    {
        var compose = Load(Path.Combine(Deploy, "compose.yaml"));
        var services = Map(Map(compose)["services"]);
        Assert.Contains("postgres", services.Keys);
        Assert.Contains("mail", services.Keys);

        var silos = services.Where(s => Dockerfile(s.Value) == "deploy/docker/silo.Dockerfile").ToList();
        var apis = services.Where(s => Dockerfile(s.Value) == "deploy/docker/api.Dockerfile").ToList();
        Assert.Equal(2, silos.Count);
        Assert.Single(apis);

        foreach (var (name, service) in silos.Concat(apis))
        {
            var isSilo = silos.Any(s => s.Key == name);
            var environment = Environment(Map(service));
            AssertKnown(name, environment.Keys, isSilo ? SiloKeys.Value : ApiKeys.Value);
            AssertRequired(name, environment.Keys, isSilo);
        }

        // One cluster: the same ids everywhere, a distinct advertised address per silo: its own host name, which the
        // compose network resolves to the container's address.
        var all = silos.Concat(apis).Select(s => Environment(Map(s.Value))).ToList();
        Assert.Single(all.Select(e => e["Orleans__ClusterId"]).Distinct());
        Assert.Equal(silos.Count, silos.Select(s => Environment(Map(s.Value))["Orleans__AdvertisedAddress"]).Distinct().Count());
        foreach (var (name, service) in silos)
        {
            Assert.Equal(Map(service)["hostname"], Environment(Map(service))["Orleans__AdvertisedAddress"]);
        }

        // Published ports can be moved (the tests publish on free ones); the defaults are the documented 8080 and 8025.
        Assert.Equal("${KUDOS_API_PUBLISH:-8080}:8080", Assert.Single(List(Map(services["api"])["ports"])));
        Assert.Equal("${KUDOS_MAIL_PUBLISH:-8025}:8025", Assert.Single(List(Map(services["mail"])["ports"])));

        // The schema is applied by PostgreSQL's init step from the project's scripts.
        var volumes = List(Map(services["postgres"])["volumes"]).Select(v => v.ToString()!).ToList();
        var init = Assert.Single(volumes, v => v.Contains("/docker-entrypoint-initdb.d", StringComparison.Ordinal));
        Assert.True(Directory.EnumerateFiles(Path.Combine(Deploy, init.Split(':')[0]), "*.sql").Any(), $"{init}: no SQL scripts there.");
    }

    [Fact]
    public void The_kubernetes_manifests_run_the_built_programs_with_real_configuration_names_and_probes()
    {
        var documents = Directory.EnumerateFiles(Path.Combine(Deploy, "k8s"), "*.yaml").Order()
            .SelectMany(LoadAll).Select(Map).ToList();
        Assert.NotEmpty(documents);
        foreach (var document in documents)
        {
            Assert.True(document.ContainsKey("apiVersion") && document.ContainsKey("kind"), "Every manifest needs apiVersion and kind.");
        }

        var byKind = documents.GroupBy(d => $"{d["kind"]}/{Map(d["metadata"])["name"]}").ToDictionary(g => g.Key, g => g.Single());
        Assert.Contains("Service/kudos-api", byKind.Keys);
        IEnumerable<string> Keys(string kind, string name, string field) =>
            byKind.TryGetValue($"{kind}/{name}", out var document) ? Map(document[field]).Keys : throw new InvalidOperationException($"No {kind} {name} in deploy/k8s.");

        foreach (var (deployment, isSilo) in new[] { ("Deployment/kudos-silo", true), ("Deployment/kudos-api", false) })
        {
            var pod = Map(Map(Map(byKind[deployment]["spec"])["template"])["spec"]);
            var container = Map(Assert.Single(List(pod["containers"])));
            var names = new List<string>();
            foreach (var source in container.TryGetValue("envFrom", out var envFrom) ? List(envFrom).Select(Map) : [])
            {
                names.AddRange(
                    source.TryGetValue("configMapRef", out var map) ? Keys("ConfigMap", Map(map)["name"].ToString()!, "data")
                    : source.TryGetValue("secretRef", out var secret) ? Keys("Secret", Map(secret)["name"].ToString()!, "stringData")
                    : throw new InvalidOperationException($"{deployment}: unknown envFrom"));
            }

            names.AddRange(List(container["env"]).Select(e => Map(e)["name"].ToString()!));
            AssertKnown(deployment, names, isSilo ? SiloKeys.Value : ApiKeys.Value);
            AssertRequired(deployment, names, isSilo);

            var ports = List(container["ports"]).Select(Map).ToDictionary(p => p["name"].ToString()!, p => p["containerPort"].ToString()!);
            Assert.Equal("8080", ports["http"]);
            foreach (var (probe, path) in new[] { ("livenessProbe", "/health/live"), ("readinessProbe", "/health/ready") })
            {
                var get = Map(Map(container[probe])["httpGet"]);
                Assert.Equal(path, get["path"]);
                Assert.Equal("http", get["port"]);
            }

            if (isSilo)
            {
                Assert.Equal("11111", ports["silo"]);
                Assert.Equal("30000", ports["gateway"]);
                var advertised = List(container["env"]).Select(Map).Single(e => e["name"].Equals("Orleans__AdvertisedAddress"));
                Assert.Equal("status.podIP", Map(Map(advertised["valueFrom"])["fieldRef"])["fieldPath"]);
                // The grace period covers the graceful stop the silo is allowed.
                var shutdown = TimeSpan.Parse(Map(byKind["ConfigMap/kudos-silo-config"]["data"])["HostOptions__ShutdownTimeout"].ToString()!, System.Globalization.CultureInfo.InvariantCulture);
                Assert.True(int.Parse(pod["terminationGracePeriodSeconds"].ToString()!, System.Globalization.CultureInfo.InvariantCulture) > shutdown.TotalSeconds);
            }
        }
    }

    [Fact(Timeout = 300_000)]
    public async Task The_kubernetes_manifests_are_valid_against_the_kubernetes_api_schemas()
    {
        var ct = TestContext.Current.CancellationToken;
        var validator = Path.Combine(Deploy, "k8s", "validate");
        if (!Directory.Exists(Path.Combine(validator, "node_modules", "kubernetes-models")))
        {
            var install = await RunAsync("npm", ["ci", "--no-audit", "--no-fund", "--loglevel=error"], validator, ct);
            Assert.True(install.ExitCode == 0, $"npm ci in deploy/k8s/validate failed:\n{install.Output}");
        }

        var manifests = Directory.EnumerateFiles(Path.Combine(Deploy, "k8s"), "*.yaml").Order().ToList();
        var result = await RunAsync("node", ["validate.mjs", .. manifests], validator, ct);
        output.WriteLine(result.Output);
        Assert.True(result.ExitCode == 0, $"deploy/k8s does not validate against the Kubernetes schemas:\n{result.Output}");
        var documents = manifests.Sum(m => LoadAll(m).Count());
        Assert.Equal(documents, result.Output.Split('\n').Count(l => l.StartsWith("ok ", StringComparison.Ordinal)));

        // The validator refuses what the API server would: a wrong type and a value outside an enumeration.
        var broken = Path.Combine(Path.GetTempPath(), $"kudos-broken-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(broken, (await File.ReadAllTextAsync(Path.Combine(Deploy, "k8s", "silo.yaml"), ct))
            .Replace("replicas: 2", "replicas: two", StringComparison.Ordinal)
            .Replace("type: RollingUpdate", "type: Rolling", StringComparison.Ordinal), ct);
        try
        {
            var refused = await RunAsync("node", ["validate.mjs", broken], validator, ct);
            Assert.Equal(1, refused.ExitCode);
            Assert.Contains("/spec/replicas must be integer", refused.Output, StringComparison.Ordinal);
            Assert.Contains("/spec/strategy/type must be equal to one of the allowed values", refused.Output, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(broken);
        }
    }

    [Fact]
    public void The_kubernetes_workloads_have_resources_a_disruption_budget_and_a_read_only_root()
    {
        var documents = Directory.EnumerateFiles(Path.Combine(Deploy, "k8s"), "*.yaml").Order().SelectMany(LoadAll).Select(Map).ToList();
        var budgets = documents.Where(d => d["kind"].Equals("PodDisruptionBudget")).Select(d => Map(d["spec"])).ToList();
        foreach (var deployment in documents.Where(d => d["kind"].Equals("Deployment")))
        {
            var name = Map(deployment["metadata"])["name"].ToString()!;
            var spec = Map(deployment["spec"]);
            var labels = Map(Map(spec["selector"])["matchLabels"]);
            var budget = Assert.Single(budgets, b => Map(Map(b["selector"])["matchLabels"]).OrderBy(kv => kv.Key).SequenceEqual(labels.OrderBy(kv => kv.Key)));
            // The budget lets a drain proceed (never blocks it) and keeps one pod serving.
            var replicas = int.Parse(spec["replicas"].ToString()!, System.Globalization.CultureInfo.InvariantCulture);
            var allowed = budget.TryGetValue("maxUnavailable", out var max) ? int.Parse(max.ToString()!, System.Globalization.CultureInfo.InvariantCulture)
                : replicas - int.Parse(budget["minAvailable"].ToString()!, System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(allowed >= 1 && allowed < replicas, $"{name}: the disruption budget allows {allowed} of {replicas} pods down.");

            var pod = Map(Map(spec["template"])["spec"]);
            var container = Map(Assert.Single(List(pod["containers"])));
            var resources = Map(container["resources"]);
            var requests = Map(resources["requests"]);
            var limits = Map(resources["limits"]);
            foreach (var resource in new[] { "cpu", "memory" })
            {
                Assert.True(requests.ContainsKey(resource) && limits.ContainsKey(resource), $"{name}: {resource} request and limit are required.");
                Assert.True(Quantity(requests[resource]) <= Quantity(limits[resource]), $"{name}: the {resource} request exceeds its limit.");
            }

            // Memory measured in BENCHMARKS.md and by the container tier: a silo 158 MB empty, 322 MB with 10k boards,
            // 721 MB with 100k; the API ~116 MB.
            var (request, limit) = name == "kudos-silo" ? (322e6, 721e6) : (116e6, 256e6);
            Assert.True(Quantity(requests["memory"]) >= request && Quantity(limits["memory"]) >= limit, $"{name}: memory below what was measured.");

            var security = Map(container["securityContext"]);
            Assert.Equal("True", security["readOnlyRootFilesystem"].ToString(), ignoreCase: true);
            Assert.Equal("True", security["runAsNonRoot"].ToString(), ignoreCase: true);
            var tmp = Map(Assert.Single(List(container["volumeMounts"]), m => Map(m)["mountPath"].Equals("/tmp")));
            Assert.Contains(List(pod["volumes"]).Select(Map), v => v["name"].Equals(tmp["name"]) && v.ContainsKey("emptyDir"));
        }
    }

    [Theory]
    [InlineData("silo.Dockerfile", "src/Silo/Kudos.Silo.csproj", "Kudos.Silo")]
    [InlineData("api.Dockerfile", "src/Api/Kudos.Api.csproj", "Kudos.Api")]
    public void The_dockerfiles_are_multi_stage_and_start_the_published_program(string file, string project, string assembly)
    {
        var text = File.ReadAllText(Path.Combine(Deploy, "docker", file));
        Assert.True(FromLine().Matches(text).Count >= 2, $"{file} must be multi-stage.");
        var publish = PublishLine().Match(text);
        Assert.True(publish.Success, $"{file}: no dotnet publish.");
        Assert.Equal(project, publish.Groups[1].Value);
        Assert.True(File.Exists(Path.Combine(RepoPaths.Root, project)), $"{project} does not exist.");
        Assert.Contains($"ENTRYPOINT [\"dotnet\", \"{assembly}.dll\"]", text, StringComparison.Ordinal);

        // The entry point is the assembly the project really builds.
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
        Assert.True(File.Exists(Path.Combine(RepoPaths.Root, Path.GetDirectoryName(project)!, "bin", configuration, "net10.0", assembly + ".dll")));

        // Every COPY source exists in the build context (the repository root).
        foreach (Match copy in CopyLine().Matches(text))
        {
            foreach (var source in copy.Groups[1].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries)[..^1])
            {
                Assert.True(File.Exists(Path.Combine(RepoPaths.Root, source)) || Directory.Exists(Path.Combine(RepoPaths.Root, source)), $"{file}: COPY {source} does not exist.");
            }
        }

        // Official images by default, replaceable (local base images where no registry is reachable); a non-root user,
        // a HEALTHCHECK on the liveness endpoint and OCI labels.
        Assert.Contains("ARG SDK_IMAGE=mcr.microsoft.com/dotnet/sdk:10.0", text, StringComparison.Ordinal);
        Assert.Contains("ARG RUNTIME_IMAGE=mcr.microsoft.com/dotnet/aspnet:10.0", text, StringComparison.Ordinal);
        Assert.Contains("USER $APP_UID", text, StringComparison.Ordinal);
        Assert.Matches(@"HEALTHCHECK .*\n.*/health/live", text);
        Assert.Contains($"org.opencontainers.image.title=\"{assembly.ToLowerInvariant().Replace('.', '-')}\"", text, StringComparison.Ordinal);

        foreach (Match env in EnvName().Matches(text))
        {
            AssertKnown(file, [env.Groups[1].Value], assembly == "Kudos.Silo" ? SiloKeys.Value : ApiKeys.Value);
        }
    }

    /// <summary>A Kubernetes quantity (<c>250m</c>, <c>1</c>, <c>384Mi</c>, <c>1Gi</c>) as a number.</summary>
    private static double Quantity(object value)
    {
        var text = value.ToString()!;
        (string Suffix, double Factor)[] units = [("Ki", 1024), ("Mi", 1024 * 1024), ("Gi", 1024 * 1024 * 1024), ("m", 0.001)];
        var unit = units.FirstOrDefault(u => text.EndsWith(u.Suffix, StringComparison.Ordinal));
        var number = unit.Suffix is null ? text : text[..^unit.Suffix.Length];
        return double.Parse(number, System.Globalization.CultureInfo.InvariantCulture) * (unit.Suffix is null ? 1 : unit.Factor);
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string file, string[] arguments, string directory, CancellationToken ct)
    {
        var start = new ProcessStartInfo(file) { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {file}.");
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        return (process.ExitCode, await stdout + await stderr);
    }

    private static void AssertKnown(string where, IEnumerable<string> names, IReadOnlySet<string> keys)
    {
        var unknown = names.Where(n => !ForeignPrefixes.Any(p => n.StartsWith(p, StringComparison.Ordinal)))
            .Where(n => !IsKnown(n.Replace("__", ":", StringComparison.Ordinal), keys)).ToList();
        Assert.True(unknown.Count == 0, $"{where}: {string.Join(", ", unknown)} is not a configuration key the program reads.");
    }

    private static bool IsKnown(string key, IReadOnlySet<string> keys) =>
        keys.Contains(key) || keys.Any(k => k.EndsWith(":*", StringComparison.Ordinal) && key.StartsWith(k[..^1], StringComparison.OrdinalIgnoreCase));

    private static void AssertRequired(string where, ICollection<string> names, bool isSilo)
    {
        var missing = RequiredEverywhere.Concat(isSilo ? RequiredOnSilos : []).Where(r => !names.Contains(r)).ToList();
        Assert.True(missing.Count == 0, $"{where} does not set {string.Join(", ", missing)}.");
    }

    private static string? Dockerfile(object service) =>
        Map(service).TryGetValue("build", out var build) && Map(build).TryGetValue("dockerfile", out var file) ? file.ToString() : null;

    private static Dictionary<string, string> Environment(Dictionary<string, object> service) =>
        service.TryGetValue("environment", out var environment)
            ? Map(environment).ToDictionary(kv => kv.Key, kv => kv.Value?.ToString() ?? "")
            : [];

    private static object Load(string path) => LoadAll(path).Single();

    private static IEnumerable<object> LoadAll(string path)
    {
        var deserializer = new DeserializerBuilder().Build();
        using var reader = new StringReader(File.ReadAllText(path));
        // MergingParser resolves YAML merge keys (<<: *anchor), as Docker Compose does.
        var parser = new MergingParser(new Parser(reader));
        parser.Consume<YamlDotNet.Core.Events.StreamStart>();
        var documents = new List<object>();
        while (parser.Accept<YamlDotNet.Core.Events.DocumentStart>(out _))
        {
            documents.Add(deserializer.Deserialize(parser) ?? throw new InvalidOperationException($"{path}: empty document"));
        }

        return documents;
    }

    private static Dictionary<string, object> Map(object value) =>
        ((Dictionary<object, object>)value).ToDictionary(kv => kv.Key.ToString()!, kv => kv.Value);

    private static List<object> List(object value) => (List<object>)value;

    [GeneratedRegex(@"^FROM\s", RegexOptions.Multiline)]
    private static partial Regex FromLine();

    [GeneratedRegex(@"dotnet publish (\S+)")]
    private static partial Regex PublishLine();

    [GeneratedRegex(@"^COPY (?!--from)(.+)$", RegexOptions.Multiline)]
    private static partial Regex CopyLine();

    [GeneratedRegex(@"\b([A-Za-z]+__[A-Za-z_]+)=")]
    private static partial Regex EnvName();
}
