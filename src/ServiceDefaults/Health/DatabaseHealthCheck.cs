using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace Kudos.ServiceDefaults.Health;

/// <summary>
/// Readiness: PostgreSQL (membership, grain state, reminders) answers a <c>SELECT 1</c>. Its own small pool with short
/// timeouts, so a probe never hangs on an unreachable server.
/// </summary>
internal sealed class DatabaseHealthCheck(string connectionString) : IHealthCheck
{
    private readonly string _connectionString = new NpgsqlConnectionStringBuilder(connectionString)
    {
        Timeout = 3,
        CommandTimeout = 3,
        MaxPoolSize = 2,
        ApplicationName = "kudos-health",
    }.ConnectionString;

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var connection = new NpgsqlConnection(_connectionString);
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand("SELECT 1", connection);
            await command.ExecuteScalarAsync(cancellationToken);
            return HealthCheckResult.Healthy("PostgreSQL answers.");
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException or OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy($"PostgreSQL is unreachable: {e.Message}");
        }
    }
}
