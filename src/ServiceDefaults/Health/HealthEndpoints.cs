using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Kudos.ServiceDefaults.Health;

/// <summary>
/// <c>/health/live</c>: the process serves HTTP (no dependency checked: restarting it would not fix a database outage).
/// <c>/health/ready</c>: PostgreSQL answers and the process's cluster check passes (a silo: Active in the cluster; the API:
/// an active silo reachable through a gateway). 200 when healthy (or degraded), 503 otherwise,
/// with a JSON body naming each check. With <c>Instance:Id</c> configured, both answer with a <c>Kudos-Instance</c> header
/// carrying it, so a starter (./run.sh) can tell the process it started from another one on the same port.
/// </summary>
public static class HealthEndpoints
{
    public const string LivePath = "/health/live";
    public const string ReadyPath = "/health/ready";
    /// <summary>The tag of the checks behind <see cref="ReadyPath"/>.</summary>
    public const string ReadyTag = "ready";
    /// <summary>The header that carries <c>Instance:Id</c>.</summary>
    public const string InstanceHeader = "Kudos-Instance";
    private static readonly TimeSpan CheckTimeout = TimeSpan.FromSeconds(5);
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = false };

    /// <summary>Readiness checks: the database, and <typeparamref name="TClusterCheck"/> for this process's place in the cluster.</summary>
    public static IServiceCollection AddKudosHealth<TClusterCheck>(this IServiceCollection services, string connectionString)
        where TClusterCheck : class, IHealthCheck
    {
        services.AddHealthChecks()
            .Add(new HealthCheckRegistration("database", _ => new DatabaseHealthCheck(connectionString), HealthStatus.Unhealthy, [ReadyTag], CheckTimeout))
            .AddCheck<TClusterCheck>("cluster", HealthStatus.Unhealthy, [ReadyTag], CheckTimeout);
        return services;
    }

    public static WebApplication MapKudosHealth(this WebApplication app)
    {
        var instance = app.Configuration["Instance:Id"];
        Task Write(HttpContext context, HealthReport report)
        {
            if (!string.IsNullOrEmpty(instance))
            {
                context.Response.Headers[InstanceHeader] = instance;
            }

            return WriteAsync(context, report);
        }

        app.MapHealthChecks(LivePath, new HealthCheckOptions { Predicate = _ => false, ResponseWriter = Write });
        app.MapHealthChecks(ReadyPath, new HealthCheckOptions { Predicate = check => check.Tags.Contains(ReadyTag), ResponseWriter = Write });
        return app;
    }

    private static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        var body = new
        {
            status = report.Status.ToString(),
            durationMs = Math.Round(report.TotalDuration.TotalMilliseconds, 1),
            checks = report.Entries.ToDictionary(e => e.Key, e => new { status = e.Value.Status.ToString(), description = e.Value.Description }),
        };
        return context.Response.WriteAsync(JsonSerializer.Serialize(body, Json), context.RequestAborted);
    }
}
