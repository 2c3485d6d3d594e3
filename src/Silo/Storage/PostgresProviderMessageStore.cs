using Kudos.Grains.Email;
using Npgsql;

namespace Kudos.Silo.Storage;

/// <summary>The mappings in <c>kudos_provider_message</c> (deploy/sql/006_kudos_provider_message.sql): one statement per call.</summary>
public sealed class PostgresProviderMessageStore(NpgsqlDataSource dataSource) : IProviderMessageStore
{
    public async Task SetAsync(string providerMessageId, string dispatchId)
    {
        await using var command = dataSource.CreateCommand(
            "INSERT INTO kudos_provider_message (provider_message_id, dispatch_id) VALUES ($1, $2) " +
            "ON CONFLICT (provider_message_id) DO UPDATE SET dispatch_id = excluded.dispatch_id WHERE kudos_provider_message.dispatch_id <> excluded.dispatch_id");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = providerMessageId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = dispatchId });
        await command.ExecuteNonQueryAsync();
    }

    public async Task<string?> GetAsync(string providerMessageId)
    {
        await using var command = dataSource.CreateCommand("SELECT dispatch_id FROM kudos_provider_message WHERE provider_message_id = $1");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = providerMessageId });
        return await command.ExecuteScalarAsync() as string;
    }
}
