using Npgsql;

namespace Kudos.Benchmarks.Support;

/// <summary>
/// Counters of one database: pg_stat_statements (when the cluster preloads it), tuples read from its tables and
/// transactions. Snapshots are compared, never reset, so other databases on a shared cluster are left alone.
/// </summary>
internal sealed record PgSnapshot(
    DateTimeOffset At,
    bool HasStatements,
    IReadOnlyDictionary<long, PgStatement> Statements,
    long TuplesRead,
    long Transactions)
{
    public long Calls => Statements.Values.Sum(s => s.Calls);

    public long Rows => Statements.Values.Sum(s => s.Rows);
}

/// <summary>One normalized statement's totals.</summary>
internal sealed record PgStatement(long Calls, long Rows, double TotalMs, string Query);

internal static class PgStats
{
    // The benchmark's own statistics queries are not the application's.
    private const string OwnQueries = "query not ilike '%pg_stat%' and query not ilike '%pg_database%'";

    /// <summary>Creates the extension in the database; false when the cluster does not preload it.</summary>
    public static async Task<bool> TryEnableAsync(string connectionString, CancellationToken ct)
    {
        await using var connection = await OpenAsync(connectionString, ct);
        try
        {
            await using var create = new NpgsqlCommand("create extension if not exists pg_stat_statements", connection);
            await create.ExecuteNonQueryAsync(ct);
            await using var probe = new NpgsqlCommand("select count(*) from pg_stat_statements", connection);
            await probe.ExecuteScalarAsync(ct);
            return true;
        }
        catch (PostgresException)
        {
            return false;
        }
    }

    public static async Task<PgSnapshot> SnapshotAsync(string connectionString, CancellationToken ct)
    {
        await using var connection = await OpenAsync(connectionString, ct);
        var statements = new Dictionary<long, PgStatement>();
        var hasStatements = true;
        try
        {
            await using var command = new NpgsqlCommand(
                "select queryid, sum(calls)::bigint, sum(rows)::bigint, sum(total_exec_time), min(query) from pg_stat_statements " +
                $"where dbid = (select oid from pg_database where datname = current_database()) and queryid is not null and {OwnQueries} group by queryid",
                connection);
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                statements[reader.GetInt64(0)] = new PgStatement(reader.GetInt64(1), reader.GetInt64(2), reader.GetDouble(3), reader.GetString(4));
            }
        }
        catch (PostgresException)
        {
            hasStatements = false;
        }

        await using var tables = new NpgsqlCommand(
            "select (select coalesce(sum(coalesce(seq_tup_read, 0) + coalesce(idx_tup_fetch, 0)), 0)::bigint from pg_stat_user_tables), " +
            "(select xact_commit + xact_rollback from pg_stat_database where datname = current_database())",
            connection);
        await using var row = await tables.ExecuteReaderAsync(ct);
        await row.ReadAsync(ct);
        return new PgSnapshot(DateTimeOffset.UtcNow, hasStatements, statements, row.GetInt64(0), row.GetInt64(1));
    }

    /// <summary>Statements whose calls grew between the snapshots, most called first.</summary>
    public static IReadOnlyList<(PgStatement Delta, string Query)> Top(PgSnapshot before, PgSnapshot after, int count) =>
        [.. after.Statements
            .Select(kv =>
            {
                var old = before.Statements.GetValueOrDefault(kv.Key);
                var delta = new PgStatement(kv.Value.Calls - (old?.Calls ?? 0), kv.Value.Rows - (old?.Rows ?? 0), kv.Value.TotalMs - (old?.TotalMs ?? 0), kv.Value.Query);
                return (Delta: delta, Query: kv.Value.Query);
            })
            .Where(x => x.Delta.Calls > 0)
            .OrderByDescending(x => x.Delta.Calls)
            .Take(count)];

    /// <summary>
    /// "Sent 8,386, Sending 3,905, …; 0 reminders": the email dispatches' statuses read from grain storage (System.Text.Json
    /// payloads, state name <c>dispatch</c>) and the reminders left; null when the storage format is not the expected one.
    /// </summary>
    public static async Task<string?> DispatchStatusesAsync(string connectionString, CancellationToken ct)
    {
        try
        {
            await using var connection = await OpenAsync(connectionString, ct);
            var parts = new List<string>();
            await using (var command = new NpgsqlCommand(
                "select (convert_from(payloadbinary, 'UTF8')::jsonb->>'Status')::int, count(*) from orleansstorage " +
                "where graintypestring = 'dispatch' group by 1 order by 2 desc", connection))
            await using (var reader = await command.ExecuteReaderAsync(ct))
            {
                while (await reader.ReadAsync(ct))
                {
                    parts.Add($"{(reader.IsDBNull(0) ? "?" : ((Kudos.Grains.Email.DispatchStatus)reader.GetInt32(0)).ToString())} {reader.GetInt64(1):N0}");
                }
            }

            await using var reminders = new NpgsqlCommand("select remindername, count(*) from orleansreminderstable group by 1 order by 1", connection);
            await using var rows = await reminders.ExecuteReaderAsync(ct);
            var left = new List<string>();
            while (await rows.ReadAsync(ct))
            {
                left.Add($"`{rows.GetString(0)}` {rows.GetInt64(1):N0}");
            }

            return $"{string.Join(", ", parts)}; reminders left: {(left.Count == 0 ? "none" : string.Join(", ", left))}";
        }
        catch (Exception e) when (e is PostgresException or InvalidCastException or FormatException)
        {
            return null;
        }
    }

    /// <summary>A statement shortened to one Markdown-safe line.</summary>
    public static string Short(string query, int length = 110)
    {
        var flat = string.Join(' ', query.Split((char[])['\n', '\r', '\t', ' '], StringSplitOptions.RemoveEmptyEntries)).Replace("|", "\\|", StringComparison.Ordinal);
        return flat.Length <= length ? flat : flat[..length] + "…";
    }

    private static async Task<NpgsqlConnection> OpenAsync(string connectionString, CancellationToken ct)
    {
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync(ct);
        return connection;
    }
}
