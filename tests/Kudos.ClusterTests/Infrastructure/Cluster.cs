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

    private const string Channel = "kudos_test_membership";

    // A test-only trigger on the stack's throwaway database: PostgreSQL announces every status a silo's row takes, so the
    // test waits for the notification instead of reading the table again and again.
    private const string NotifySql = $"""
        CREATE OR REPLACE FUNCTION kudos_test_membership_notify() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM pg_notify('{Channel}', NEW.port::text || ' ' || NEW.status::text);
            RETURN NEW;
        END $$;
        CREATE OR REPLACE TRIGGER kudos_test_membership_notify AFTER INSERT OR UPDATE OF status ON OrleansMembershipTable
            FOR EACH ROW EXECUTE FUNCTION kudos_test_membership_notify();
        LISTEN {Channel};
        """;

    /// <summary>
    /// Waits until the newest row of the silo on <paramref name="siloPort"/> in the membership table is Dead (announced by
    /// PostgreSQL with LISTEN/NOTIFY); returns the time since <paramref name="since"/>, or null when <paramref name="timeout"/>
    /// passed first.
    /// </summary>
    public static async Task<TimeSpan?> WaitDeclaredDeadAsync(KudosStack stack, int siloPort, DateTimeOffset since, TimeSpan timeout, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(stack.ConnectionString);
        await connection.OpenAsync(ct);
        DateTimeOffset? declared = null;
        connection.Notification += (_, e) =>
        {
            if (e.Payload == $"{siloPort} {Dead}")
            {
                declared ??= DateTimeOffset.UtcNow;
            }
        };
        await using (var listen = new NpgsqlCommand(NotifySql, connection))
        {
            await listen.ExecuteNonQueryAsync(ct);
        }

        // Listening from here on: a row that was already Dead is read once, a later change is announced.
        await using (var current = new NpgsqlCommand("SELECT Status FROM OrleansMembershipTable WHERE Port = @port ORDER BY Generation DESC LIMIT 1", connection))
        {
            current.Parameters.AddWithValue("port", siloPort);
            if (await current.ExecuteScalarAsync(ct) is int status && status == Dead)
            {
                return DateTimeOffset.UtcNow - since;
            }
        }

        var clock = Stopwatch.StartNew();
        while (declared is null && clock.Elapsed < timeout)
        {
            await connection.WaitAsync((int)Math.Max(1, (timeout - clock.Elapsed).TotalMilliseconds), ct);
        }

        return declared - since;
    }

    /// <summary>
    /// Whether <c>/health/ready</c> of <paramref name="baseAddress"/> answers 200 now, and its body. Asked once, at a moment
    /// the caller knows readiness is settled (after the process's start-up line, or after the database stopped or started).
    /// </summary>
    public static async Task<(HttpStatusCode Status, string Body)> ReadinessAsync(Uri baseAddress, CancellationToken ct)
    {
        using var http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(15) };
        using var response = await http.GetAsync("/health/ready", ct);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(ct));
    }
}
