using Kudos.Grains.Analytics;
using Kudos.Grains.Email;
using Npgsql;
using NpgsqlTypes;

namespace Kudos.Silo.Storage;

/// <summary>
/// The analytics in <c>kudos_email_stats</c> and <c>kudos_email_count_applied</c> (deploy/sql/009_kudos_email_stats.sql).
/// The increments that arrive together are written in one statement (<see cref="GroupCommit{T}"/>): the applied names
/// not seen before are inserted, and only those add to the totals.
/// </summary>
public sealed class PostgresEmailStatsStore : IEmailStatsStore
{
    private const string WriteSql = """
        WITH batch AS (
            SELECT DISTINCT ON (day, counter, dedupe_id) day, email_type, tenant, counter, dedupe_id
            FROM unnest($1::date[], $2::text[], $3::text[], $4::text[], $5::text[]) AS b(day, email_type, tenant, counter, dedupe_id)
        ), applied AS (
            INSERT INTO kudos_email_count_applied (day, counter, dedupe_id)
            SELECT day, counter, dedupe_id FROM batch
            ON CONFLICT (day, counter, dedupe_id) DO NOTHING
            RETURNING day, counter, dedupe_id
        )
        INSERT INTO kudos_email_stats AS s (day, email_type, tenant, counter, count)
        SELECT b.day, b.email_type, b.tenant, b.counter, count(*)
        FROM applied a JOIN batch b USING (day, counter, dedupe_id)
        GROUP BY b.day, b.email_type, b.tenant, b.counter
        ORDER BY b.day, b.email_type, b.tenant, b.counter
        ON CONFLICT (day, email_type, tenant, counter) DO UPDATE SET count = s.count + excluded.count
        """;

    private readonly NpgsqlDataSource _dataSource;
    private readonly GroupCommit<Increment> _writes;

    public PostgresEmailStatsStore(NpgsqlDataSource dataSource, TimeProvider time)
    {
        _dataSource = dataSource;
        _writes = new GroupCommit<Increment>(WriteAsync, StatementBatching.Interval, time);
    }

    public Task IncrementAsync(DateOnly day, string emailType, string? tenant, string counter, string dedupeId) =>
        _writes.AddAsync(new Increment(day, emailType, tenant ?? "", counter, dedupeId));

    public async Task<IReadOnlyList<EmailStatsRow>> ReadAsync(DateOnly day)
    {
        await using var command = _dataSource.CreateCommand("SELECT email_type, tenant, counter, count FROM kudos_email_stats WHERE day = $1");
        command.Parameters.Add(new NpgsqlParameter<DateOnly> { TypedValue = day, NpgsqlDbType = NpgsqlDbType.Date });
        var counters = new List<(string, string, string, long)>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            counters.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetInt64(3)));
        }

        return EmailStatsRows.From(day, counters);
    }

    private async Task WriteAsync(IReadOnlyList<Increment> batch)
    {
        await using var command = _dataSource.CreateCommand(WriteSql);
        command.Parameters.Add(new NpgsqlParameter<DateOnly[]> { TypedValue = [.. batch.Select(i => i.Day)] });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. batch.Select(i => i.EmailType)] });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. batch.Select(i => i.Tenant)] });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. batch.Select(i => i.Counter)] });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. batch.Select(i => i.DedupeId)] });
        await command.ExecuteNonQueryAsync();
    }

    private sealed record Increment(DateOnly Day, string EmailType, string Tenant, string Counter, string DedupeId);
}
