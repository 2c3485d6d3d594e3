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

    private static async Task<NpgsqlConnection> OpenAsync(string connectionString, CancellationToken ct)
    {
        var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        return connection;
    }
}
