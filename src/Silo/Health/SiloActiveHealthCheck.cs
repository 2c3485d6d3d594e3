using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Kudos.Silo.Health;

/// <summary>
/// Readiness: this silo is <c>Active</c> in the cluster's membership view. It is not while joining, and stops being so
/// as soon as a graceful shutdown begins, so a load balancer drains it before it goes away.
/// </summary>
internal sealed class SiloActiveHealthCheck(ILocalSiloDetails localSilo, IClusterMembershipService membership) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var snapshot = membership.CurrentSnapshot;
        var status = snapshot.GetSiloStatus(localSilo.SiloAddress);
        var active = snapshot.Members.Values.Count(m => m.Status == SiloStatus.Active);
        var description = $"Silo {localSilo.SiloAddress} is {status}; {active} active silo(s) in the cluster.";
        return Task.FromResult(status == SiloStatus.Active ? HealthCheckResult.Healthy(description) : HealthCheckResult.Unhealthy(description));
    }
}
