using Kudos.Grains.Email;
using Npgsql;

namespace Kudos.Silo.Storage;

/// <summary>
/// The mappings in <c>kudos_provider_message</c> (deploy/sql/006_kudos_provider_message.sql). Mappings recorded together
/// are written in one statement (<see cref="GroupCommit{T}"/>); a lookup is one primary-key read.
/// </summary>
public sealed class PostgresProviderMessageStore : IProviderMessageStore
{
    private const string WriteSql = """
        INSERT INTO kudos_provider_message (provider_message_id, dispatch_id)
        SELECT * FROM unnest($1::text[], $2::text[])
        ON CONFLICT (provider_message_id) DO UPDATE SET dispatch_id = excluded.dispatch_id
        WHERE kudos_provider_message.dispatch_id <> excluded.dispatch_id
        """;

    private readonly NpgsqlDataSource _dataSource;
    private readonly GroupCommit<(string ProviderMessageId, string DispatchId)> _writes;

    public PostgresProviderMessageStore(NpgsqlDataSource dataSource, TimeProvider time)
    {
        _dataSource = dataSource;
        _writes = new GroupCommit<(string, string)>(WriteAsync, StatementBatching.Interval, time);
    }

    public Task SetAsync(string providerMessageId, string dispatchId) => _writes.AddAsync((providerMessageId, dispatchId));

    public async Task<string?> GetAsync(string providerMessageId)
    {
        await using var command = _dataSource.CreateCommand("SELECT dispatch_id FROM kudos_provider_message WHERE provider_message_id = $1");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = providerMessageId });
        return await command.ExecuteScalarAsync() as string;
    }

    private async Task WriteAsync(IReadOnlyList<(string ProviderMessageId, string DispatchId)> batch)
    {
        // One row per id (the last mapping given wins): a statement may not update the same row twice.
        var last = batch.GroupBy(m => m.ProviderMessageId, StringComparer.Ordinal).Select(g => g.Last()).ToList();
        await using var command = _dataSource.CreateCommand(WriteSql);
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. last.Select(m => m.ProviderMessageId)] });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. last.Select(m => m.DispatchId)] });
        await command.ExecuteNonQueryAsync();
    }
}
