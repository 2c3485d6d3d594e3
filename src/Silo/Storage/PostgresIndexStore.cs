using Kudos.Grains.Indexes;
using Npgsql;
using NpgsqlTypes;

namespace Kudos.Silo.Storage;

/// <summary>
/// The admin indexes in the <c>kudos_index</c> table (deploy/sql/007_kudos_index.sql): one statement per change or page;
/// membership lookups that arrive together share one statement.
/// </summary>
public sealed class PostgresIndexStore : IIndexStore
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly GroupedStatements<(string Name, string Id), bool> _lookups;

    public PostgresIndexStore(NpgsqlDataSource dataSource, TimeProvider time)
    {
        _dataSource = dataSource;
        _lookups = new GroupedStatements<(string Name, string Id), bool>(LookUpAsync, StatementBatching.Interval, time);
    }

    public async Task<IReadOnlySet<string>> ContainsAsync(string name, IReadOnlyCollection<string> ids)
    {
        var found = await Task.WhenAll(ids.Select(id => _lookups.RunAsync((name, id))));
        return ids.Where((_, i) => found[i]).ToHashSet(StringComparer.Ordinal);
    }

    public Task AddAsync(string name, string id) =>
        ExecuteAsync("INSERT INTO kudos_index (index_name, entry_id) VALUES ($1, $2) ON CONFLICT DO NOTHING", name, id);

    public Task RemoveAsync(string name, string id) =>
        ExecuteAsync("DELETE FROM kudos_index WHERE index_name = $1 AND entry_id = $2", name, id);

    public async Task<IReadOnlyList<string>> ListAsync(string name, string? after, int limit)
    {
        // "" sorts before every id, so the first page needs no second statement.
        await using var command = _dataSource.CreateCommand(
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

    private async Task<Func<(string Name, string Id), bool>> LookUpAsync(IReadOnlyList<(string Name, string Id)> entries)
    {
        // Served by the primary key (index_name, entry_id): one probe per entry.
        await using var command = _dataSource.CreateCommand(
            "SELECT index_name, entry_id FROM kudos_index WHERE (index_name, entry_id) IN (SELECT * FROM unnest($1::text[], $2::text[]))");
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. entries.Select(e => e.Name)] });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. entries.Select(e => e.Id)] });
        await using var reader = await command.ExecuteReaderAsync();
        var found = new HashSet<(string, string)>();
        while (await reader.ReadAsync())
        {
            found.Add((reader.GetString(0), reader.GetString(1)));
        }

        return found.Contains;
    }

    private async Task ExecuteAsync(string sql, string name, string id)
    {
        await using var command = _dataSource.CreateCommand(sql);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = name });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = id });
        await command.ExecuteNonQueryAsync();
    }
}
