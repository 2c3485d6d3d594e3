using Npgsql;

namespace Kudos.Database;

/// <summary>
/// Applies the project's PostgreSQL schema: the numbered scripts of <c>deploy/sql</c>, embedded in this
/// assembly, each exactly once and in order.
/// </summary>
/// <remarks>
/// Each script runs in its own transaction together with its row in <c>kudos_schema_version</c>, so a
/// database is always at a whole version. Every transaction first takes a transaction-scoped advisory lock
/// on a fixed key and re-checks the version table under it, so any number of processes (silos starting
/// together, tests) may migrate the same database at once: one applies a script, the others wait for it and
/// then see it recorded. The lock is released by commit or rollback, and with the session if a process dies.
/// </remarks>
public static class SchemaMigrator
{
    // Fixed application-wide key for pg_advisory_xact_lock ("Kudos" in ASCII, then 1). Advisory locks are
    // scoped to one database, so migrations of different databases never wait for each other.
    private const long MigrationLockKey = 0x4B75646F73_0001;

    private const string CreateVersionTableSql = """
        CREATE TABLE IF NOT EXISTS kudos_schema_version
        (
            version    integer     NOT NULL PRIMARY KEY,
            name       text        NOT NULL,
            checksum   text        NOT NULL,
            applied_at timestamptz NOT NULL DEFAULT now()
        )
        """;

    private static readonly Lazy<IReadOnlyList<SchemaScript>> Scripts = new(SchemaScript.LoadEmbedded);

    /// <summary>The highest version the embedded scripts define.</summary>
    public static int LatestVersion => Scripts.Value[^1].Version;

    /// <summary>
    /// Brings the database to <see cref="LatestVersion"/>. Idempotent: scripts already recorded in
    /// <c>kudos_schema_version</c> are skipped. Safe when several processes call it at once.
    /// </summary>
    /// <param name="connectionString">An Npgsql connection string for the target database; the role needs
    /// the right to create tables in its default schema.</param>
    /// <param name="cancellationToken">Bounds the whole run, including waiting for another process that is
    /// migrating the same database (no command timeout applies to that wait or to a script).</param>
    /// <exception cref="SchemaMigrationException">A script failed; the message names it. Its transaction
    /// was rolled back and the scripts before it stay applied.</exception>
    public static async Task MigrateAsync(string connectionString, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var scripts = Scripts.Value;

        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);

        HashSet<int> applied;
        await using (var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false))
        {
            // Under the lock so that two first-time callers do not race on CREATE TABLE IF NOT EXISTS.
            await LockAsync(transaction, cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(transaction, CreateVersionTableSql, cancellationToken).ConfigureAwait(false);
            applied = await ReadAppliedVersionsAsync(transaction, cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }

        foreach (var script in scripts.Where(s => !applied.Contains(s.Version)))
        {
            await ApplyAsync(connection, script, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task ApplyAsync(NpgsqlConnection connection, SchemaScript script, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await LockAsync(transaction, cancellationToken).ConfigureAwait(false);

        // Another process may have applied it between our first read and taking the lock.
        if ((await ReadAppliedVersionsAsync(transaction, cancellationToken).ConfigureAwait(false)).Contains(script.Version))
        {
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return;
        }

        try
        {
            await ExecuteAsync(transaction, script.Sql, cancellationToken).ConfigureAwait(false);
        }
        catch (NpgsqlException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new SchemaMigrationException(script.Name, script.Version, ex);
        }

        await using (var record = new NpgsqlCommand(
            "INSERT INTO kudos_schema_version (version, name, checksum) VALUES (@version, @name, @checksum)",
            connection,
            transaction))
        {
            record.Parameters.AddWithValue("version", script.Version);
            record.Parameters.AddWithValue("name", script.Name);
            record.Parameters.AddWithValue("checksum", script.Checksum);
            await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    private static Task LockAsync(NpgsqlTransaction transaction, CancellationToken cancellationToken)
        => ExecuteAsync(transaction, $"SELECT pg_advisory_xact_lock({MigrationLockKey})", cancellationToken);

    private static async Task<HashSet<int>> ReadAppliedVersionsAsync(NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT version FROM kudos_schema_version", transaction.Connection, transaction);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var versions = new HashSet<int>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            versions.Add(reader.GetInt32(0));
        }

        return versions;
    }

    private static async Task ExecuteAsync(NpgsqlTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        // No timeout: waiting for a peer's migration or running a long script is legitimate; the caller's
        // token is the bound.
        await using var command = new NpgsqlCommand(sql, transaction.Connection, transaction) { CommandTimeout = 0 };
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
