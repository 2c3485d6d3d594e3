using System.Diagnostics;
using Kudos.Testing;
using Npgsql;

namespace Kudos.Benchmarks.Support;

/// <summary>
/// The PostgreSQL cluster the benchmark uses: the one in <c>KUDOS_TEST_POSTGRES</c>, or else a private one started with
/// <c>deploy/local/postgres.sh</c> (pg_stat_statements preloaded) and stopped and removed at the end.
/// </summary>
internal sealed class PrivatePostgres : IAsyncDisposable
{
    private readonly string? _dataDir;

    private PrivatePostgres(string? dataDir, string description)
    {
        _dataDir = dataDir;
        Description = description;
    }

    public string Description { get; }

    public static async Task<PrivatePostgres> EnsureAsync(CancellationToken ct)
    {
        string? dataDir = null;
        if (Environment.GetEnvironmentVariable(TestPostgres.EnvironmentVariable) is not { Length: > 0 })
        {
            // Under /tmp: the postgres OS user must be able to reach it.
            dataDir = Path.Combine(Path.GetTempPath(), $"kudos-bench-pg-{Environment.ProcessId}");
            await ScriptAsync(["start", dataDir], ct);
            var url = (await ScriptAsync(["url", dataDir], ct)).Trim();
            Environment.SetEnvironmentVariable(TestPostgres.EnvironmentVariable, url);
        }

        try
        {
            var settings = await DescribeAsync(ct);
            return new PrivatePostgres(dataDir, (dataDir is null ? "the cluster in KUDOS_TEST_POSTGRES" : "a private cluster started by deploy/local/postgres.sh") + "; " + settings);
        }
        catch
        {
            if (dataDir is not null)
            {
                await StopAsync(dataDir);
            }

            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_dataDir is not null)
        {
            await StopAsync(_dataDir);
        }
    }

    private static async Task StopAsync(string dataDir)
    {
        try
        {
            await ScriptAsync(["stop", dataDir], CancellationToken.None);
            Directory.Delete(dataDir, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            Console.Error.WriteLine($"Could not stop or remove the private PostgreSQL in {dataDir}: {e.Message}");
        }
    }

    private static async Task<string> DescribeAsync(CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(TestPostgres.AdminConnectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand(
            "select current_setting('server_version'), current_setting('fsync'), current_setting('synchronous_commit'), " +
            "current_setting('shared_buffers'), current_setting('max_connections'), current_setting('shared_preload_libraries')", connection);
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return $"PostgreSQL {reader.GetString(0)}, fsync={reader.GetString(1)}, synchronous_commit={reader.GetString(2)}, " +
            $"shared_buffers={reader.GetString(3)}, max_connections={reader.GetString(4)}, " +
            $"shared_preload_libraries='{reader.GetString(5)}'";
    }

    private static async Task<string> ScriptAsync(string[] arguments, CancellationToken ct)
    {
        var info = new ProcessStartInfo(Path.Combine(RepoPaths.Root, "deploy", "local", "postgres.sh"), arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.Environment["KUDOS_PG_STAT_STATEMENTS"] = "1";
        using var process = Process.Start(info) ?? throw new InvalidOperationException("could not run postgres.sh");
        var output = process.StandardOutput.ReadToEndAsync(ct);
        var errors = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"postgres.sh {string.Join(' ', arguments)} exited {process.ExitCode}: {await errors}");
        }

        return await output;
    }
}
