using System.Diagnostics;
using Kudos.Testing;
using Npgsql;

namespace Kudos.ClusterTests.Infrastructure;

/// <summary>
/// A PostgreSQL cluster of the test's own (<c>deploy/local/postgres.sh</c> in a temporary folder), for tests that stop
/// the database: the shared one from <c>KUDOS_TEST_POSTGRES</c> is never stopped.
/// </summary>
public sealed class PrivatePostgres : IAsyncDisposable
{
    private static readonly TimeSpan ScriptTimeout = TimeSpan.FromSeconds(90);
    private readonly string _directory;

    private PrivatePostgres(string directory, string adminConnectionString)
    {
        _directory = directory;
        AdminConnectionString = adminConnectionString;
    }

    public string AdminConnectionString { get; }

    public static async Task<PrivatePostgres> StartAsync(CancellationToken ct)
    {
        // Under /tmp: as root the cluster runs as `postgres`, which must reach the folder.
        var directory = Directory.CreateTempSubdirectory("kudos-cluster-pg-").FullName;
        try
        {
            await RunAsync(ct, "start", directory);
            var url = (await RunAsync(ct, "url", directory)).Trim();
            return new PrivatePostgres(directory, url);
        }
        catch
        {
            await RunAsync(CancellationToken.None, "stop", directory);
            Directory.Delete(directory, recursive: true);
            throw;
        }
    }

    /// <summary>Creates a database (the silo applies the schema when it starts) and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string name, CancellationToken ct)
    {
        await using (var connection = new NpgsqlConnection(AdminConnectionString))
        {
            await connection.OpenAsync(ct);
            await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await command.ExecuteNonQueryAsync(ct);
        }

        return new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = name, MaxPoolSize = 40 }.ConnectionString;
    }

    public Task StopAsync(CancellationToken ct) => RunAsync(ct, "stop", _directory);

    /// <summary>Starts the cluster again on the same port and data.</summary>
    public Task RestartAsync(CancellationToken ct) => RunAsync(ct, "start", _directory);

    public async ValueTask DisposeAsync()
    {
        await RunAsync(CancellationToken.None, "stop", _directory);
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static async Task<string> RunAsync(CancellationToken ct, params string[] arguments)
    {
        var info = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Path.Combine(RepoPaths.Root, "deploy", "local", "postgres.sh"));
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException("bash did not start");
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(ScriptTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"postgres.sh {string.Join(' ', arguments)} did not finish within {ScriptTimeout.TotalSeconds} s.");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"postgres.sh {string.Join(' ', arguments)} failed ({process.ExitCode}): {await stderr}");
        }

        return await stdout;
    }
}
