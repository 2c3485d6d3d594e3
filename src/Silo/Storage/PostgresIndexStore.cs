using Kudos.Grains.Indexes;
using Npgsql;
using NpgsqlTypes;

namespace Kudos.Silo.Storage;

/// <summary>The admin indexes in the <c>kudos_index</c> table (deploy/sql/007_kudos_index.sql), one statement per operation.</summary>
public sealed class PostgresIndexStore(NpgsqlDataSource dataSource) : IIndexStore
{
    public Task AddAsync(string name, string id) =>
        ExecuteAsync("INSERT INTO kudos_index (index_name, entry_id) VALUES ($1, $2) ON CONFLICT DO NOTHING", name, id);

    public Task RemoveAsync(string name, string id) =>
        ExecuteAsync("DELETE FROM kudos_index WHERE index_name = $1 AND entry_id = $2", name, id);

    public async Task<IReadOnlyList<string>> ListAsync(string name, string? after, int limit)
    {
        // "" sorts before every id, so the first page needs no second statement.
        await using var command = dataSource.CreateCommand(
            "SELECT entry_id FROM kudos_index WHERE index_name = $1 AND entry_id > $2 ORDER BY entry_id LIMIT $3");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = name });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = after ?? "" });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit, NpgsqlDbType = NpgsqlDbType.Integer });
        await using var reader = await command.ExecuteReaderAsync();
        var ids = new List<string>();
        while (await reader.ReadAsync())
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }

    private async Task ExecuteAsync(string sql, string name, string id)
    {
        await using var command = dataSource.CreateCommand(sql);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = name });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = id });
        await command.ExecuteNonQueryAsync();
    }
}
