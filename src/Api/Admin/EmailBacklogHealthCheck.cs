using Kudos.Grains;
using Kudos.Grains.Email;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Kudos.Api.Admin;

/// <summary>Readiness reports Degraded (still serving) while the outbox's backlog thresholds are crossed.</summary>
public sealed class EmailBacklogHealthCheck(IGrainFactory grains) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var health = await grains.GetGrain<IEmailHealthGrain>(HealthKeys.Cluster).GetAsync().WaitAsync(cancellationToken);
        var summary = $"{health.Pending} pending (threshold {health.PendingThreshold}), oldest {health.OldestPendingAge?.TotalSeconds ?? 0:0} s (threshold {health.OldestPendingThreshold.TotalSeconds:0} s)";
        return health.BacklogAlert ? HealthCheckResult.Degraded("Email backlog: " + summary) : HealthCheckResult.Healthy(summary);
    }
}
