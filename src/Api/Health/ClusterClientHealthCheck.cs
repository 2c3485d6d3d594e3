using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Kudos.Api.Health;

/// <summary>
/// Readiness: the Orleans client reaches the cluster — a gateway answers a management call listing the active silos.
/// Fails fast when no gateway is known, and within the check's timeout when the known ones are gone.
/// </summary>
internal sealed class ClusterClientHealthCheck(IClusterClient client) : IHealthCheck
{
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(3);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var hosts = await client.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true).WaitAsync(CallTimeout, cancellationToken);
            return hosts.Count > 0
                ? HealthCheckResult.Healthy($"{hosts.Count} active silo(s) reachable through the gateways.")
                : HealthCheckResult.Unhealthy("The cluster has no active silo.");
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy($"The cluster is unreachable: {e.GetType().Name}: {e.Message}");
        }
    }
}
