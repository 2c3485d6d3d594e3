using Npgsql;

namespace Kudos.Database.Tests;

/// <summary>Small helpers for asserting on a test database.</summary>
internal static class Db
{
    public sealed record AppliedVersion(int Version, string Name, string Checksum, DateTime AppliedAt);

    public static async Task<IReadOnlyList<AppliedVersion>> ReadVersionsAsync(string connectionString, CancellationToken ct)
    {
        await using var connection = await OpenAsync(connectionString, ct);
        await using var command = new NpgsqlCommand("SELECT version, name, checksum, applied_at FROM kudos_schema_version ORDER BY version", connection);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var versions = new List<AppliedVersion>();
        while (await reader.ReadAsync(ct))
        {
            versions.Add(new AppliedVersion(reader.GetInt32(0), reader.GetString(1), reader.GetString(2), reader.GetDateTime(3)));
        }

        return versions;
    }

    public static async Task<T> ScalarAsync<T>(string connectionString, string sql, CancellationToken ct, params NpgsqlParameter[] parameters)
    {
        await using var connection = await OpenAsync(connectionString, ct);
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddRange(parameters);
        return (T)(await command.ExecuteScalarAsync(ct))!;
    }

    public static async Task<int> ExecuteAsync(string connectionString, string sql, CancellationToken ct, params NpgsqlParameter[] parameters)
    {
        await using var connection = await OpenAsync(connectionString, ct);
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddRange(parameters);
        return await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>The text Orleans would run for <paramref name="queryKey"/>.</summary>
    public static Task<string> QueryTextAsync(string connectionString, string queryKey, CancellationToken ct)
        => ScalarAsync<string>(connectionString, "SELECT QueryText FROM OrleansQuery WHERE QueryKey = @key", ct, new NpgsqlParameter("key", queryKey));

    /// <summary>
    /// Runs a reminder range read (<c>ReadRangeRows1Key</c>/<c>ReadRangeRows2Key</c>) of the hash range
    /// (<paramref name="beginHash"/>, <paramref name="endHash"/>] as the provider would, on a session of
    /// <paramref name="sessionConnectionString"/>; answers the (GrainId, ReminderName) of each row.
    /// </summary>
    public static async Task<IReadOnlyList<(string GrainId, string ReminderName)>> ReadReminderRangeAsync(
        string connectionString, string sessionConnectionString, string queryKey, string serviceId, int beginHash, int endHash, CancellationToken ct)
    {
        var text = await QueryTextAsync(connectionString, queryKey, ct);
        await using var connection = await OpenAsync(sessionConnectionString, ct);
        await using var command = new NpgsqlCommand(text, connection);
        command.Parameters.Add(new NpgsqlParameter<string>("ServiceId", serviceId));
        command.Parameters.Add(new NpgsqlParameter<int>("BeginHash", beginHash));
        command.Parameters.Add(new NpgsqlParameter<int>("EndHash", endHash));
        await using var reader = await command.ExecuteReaderAsync(ct);
        var rows = new List<(string, string)>();
        while (await reader.ReadAsync(ct))
        {
            rows.Add((reader.GetString(reader.GetOrdinal("GrainId")), reader.GetString(reader.GetOrdinal("ReminderName"))));
        }

        return rows;
    }

    private static async Task<NpgsqlConnection> OpenAsync(string connectionString, CancellationToken ct)
    {
        var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        return connection;
    }
}
