using System.Diagnostics;
using System.Net;
using Kudos.Testing;
using Npgsql;

namespace Kudos.ClusterTests.Infrastructure;

/// <summary>Observing the cluster from outside: the membership table and the health endpoints.</summary>
public static class Cluster
{
    /// <summary>Orleans' <c>SiloStatus.Dead</c> as stored in <c>OrleansMembershipTable.Status</c>.</summary>
    private const int Dead = 6;

    /// <summary>
    /// Polls the membership table (every 50 ms) until the newest row of the silo on <paramref name="siloPort"/> is Dead;
    /// returns the time since <paramref name="since"/>, or null when <paramref name="timeout"/> passed first.
    /// </summary>
    public static async Task<TimeSpan?> WaitDeclaredDeadAsync(KudosStack stack, int siloPort, DateTimeOffset since, TimeSpan timeout, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(stack.ConnectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand(
            "SELECT Status FROM OrleansMembershipTable WHERE Port = @port ORDER BY Generation DESC LIMIT 1", connection);
        command.Parameters.AddWithValue("port", siloPort);
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (await command.ExecuteScalarAsync(ct) is int status && status == Dead)
            {
                return DateTimeOffset.UtcNow - since;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50), ct);
        }

        return null;
    }

    /// <summary>Polls <c>/health/ready</c> of <paramref name="baseAddress"/> until it answers 200; false when <paramref name="timeout"/> passed first.</summary>
    public static async Task<bool> WaitReadyAsync(Uri baseAddress, TimeSpan timeout, CancellationToken ct)
    {
        using var http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(10) };
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            try
            {
                using var response = await http.GetAsync("/health/ready", ct);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return true;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), ct);
        }

        return false;
    }
}
