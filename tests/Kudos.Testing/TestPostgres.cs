using System.Security.Cryptography;
using System.Text;
using Kudos.Database;
using Npgsql;

namespace Kudos.Testing;

/// <summary>
/// Throwaway databases on the private PostgreSQL cluster that <c>./test.sh</c> starts
/// (its admin connection string is in the <c>KUDOS_TEST_POSTGRES</c> environment variable).
/// </summary>
public static class TestPostgres
{
    /// <summary>The environment variable holding the admin connection string.</summary>
    public const string EnvironmentVariable = "KUDOS_TEST_POSTGRES";

    // Modest: several silos and test databases share one cluster (max_connections = 300).
    private const int MaxPoolSize = 40;

    /// <summary>Connection string to the cluster's maintenance database, from <c>KUDOS_TEST_POSTGRES</c>.</summary>
    public static string AdminConnectionString =>
        Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"{EnvironmentVariable} is not set. Run the tests with ./test.sh (it starts a private PostgreSQL " +
                $"and sets it), or start one with deploy/local/postgres.sh and export {EnvironmentVariable}=" +
                "\"$(deploy/local/postgres.sh url DATA_DIR)\".");

    /// <summary>Creates an empty database named <c>{prefix}_{random}</c> and returns its connection string.</summary>
    public static async Task<string> CreateDatabaseAsync(string prefix, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(prefix);
        var name = $"{Sanitize(prefix)}_{RandomNumberGenerator.GetHexString(12, lowercase: true)}";

        await using (var connection = new NpgsqlConnection(AdminConnectionString))
        {
            await connection.OpenAsync(ct);
            // From template0, which accepts no connections: copying template1 fails ("source database is being accessed
            // by other users") while any session is connected to it, which parallel test projects cannot rule out.
            await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\" TEMPLATE template0", connection);
            await command.ExecuteNonQueryAsync(ct);
        }

        return new NpgsqlConnectionStringBuilder(AdminConnectionString)
        {
            Database = name,
            Pooling = true,
            MaxPoolSize = MaxPoolSize,
            // A burst of grain activations queues for a connection rather than failing after Npgsql's default 15 s.
            Timeout = 60,
        }.ConnectionString;
    }

    /// <summary>Creates a database as <see cref="CreateDatabaseAsync"/> does and applies the project's schema.</summary>
    public static async Task<string> CreateMigratedDatabaseAsync(string prefix, CancellationToken ct)
    {
        var connectionString = await CreateDatabaseAsync(prefix, ct);
        await SchemaMigrator.MigrateAsync(connectionString, ct);
        return connectionString;
    }

    // Identifiers are folded to lower case and limited to 63 bytes; keep 50 for the prefix.
    private static string Sanitize(string prefix)
    {
        var builder = new StringBuilder(prefix.Length);
        foreach (var c in prefix.ToLowerInvariant())
        {
            builder.Append(c is (>= 'a' and <= 'z') or (>= '0' and <= '9') ? c : '_');
        }

        if (builder[0] is >= '0' and <= '9')
        {
            builder.Insert(0, 't');
        }

        return builder.Length > 50 ? builder.ToString(0, 50) : builder.ToString();
    }
}
