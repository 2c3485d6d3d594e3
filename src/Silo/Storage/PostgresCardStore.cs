using Kudos.Grains.Boards;
using Npgsql;
using NpgsqlTypes;

namespace Kudos.Silo.Storage;

/// <summary>The cards in the <c>kudos_card</c> table (deploy/sql/005_kudos_cards.sql), one statement per operation.</summary>
public sealed class PostgresCardStore(NpgsqlDataSource dataSource) : ICardStore
{
    private const string Columns = "card_id, author_name, message, key_hash, created_at, edited_at, request_id, request_fingerprint";

    private const string InsertSql = $"INSERT INTO kudos_card (board_id, {Columns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)";

    public async Task<List<CardState>> ReadAsync(Guid boardId)
    {
        await using var command = dataSource.CreateCommand($"SELECT {Columns} FROM kudos_card WHERE board_id = $1 ORDER BY created_at, card_id");
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = boardId });
        await using var reader = await command.ExecuteReaderAsync();
        var cards = new List<CardState>();
        while (await reader.ReadAsync())
        {
            cards.Add(new CardState
            {
                Id = reader.GetGuid(0),
                AuthorName = reader.GetString(1),
                Message = reader.GetString(2),
                KeyHash = reader.GetString(3),
                CreatedAt = reader.GetFieldValue<DateTimeOffset>(4),
                EditedAt = reader.IsDBNull(5) ? null : reader.GetFieldValue<DateTimeOffset>(5),
                RequestId = reader.IsDBNull(6) ? null : reader.GetString(6),
                RequestFingerprint = reader.IsDBNull(7) ? null : reader.GetString(7),
            });
        }

        return cards;
    }

    public async Task AddAsync(Guid boardId, CardState card)
    {
        await using var command = dataSource.CreateCommand(InsertSql);
        AddInsertParameters(command.Parameters, boardId, card);
        await command.ExecuteNonQueryAsync();
    }

    public async Task UpdateAsync(Guid boardId, CardState card)
    {
        await using var command = dataSource.CreateCommand("UPDATE kudos_card SET message = $3, edited_at = $4 WHERE board_id = $1 AND card_id = $2");
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = boardId });
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = card.Id });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = card.Message });
        command.Parameters.Add(Timestamp(card.EditedAt));
        await command.ExecuteNonQueryAsync();
    }

    public async Task RemoveAsync(Guid boardId, Guid cardId)
    {
        await using var command = dataSource.CreateCommand("DELETE FROM kudos_card WHERE board_id = $1 AND card_id = $2");
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = boardId });
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = cardId });
        await command.ExecuteNonQueryAsync();
    }

    public async Task ImportAsync(Guid boardId, IReadOnlyList<CardState> cards)
    {
        await using var batch = dataSource.CreateBatch();
        foreach (var card in cards)
        {
            var command = batch.CreateBatchCommand();
            command.CommandText = InsertSql + " ON CONFLICT DO NOTHING";
            AddInsertParameters(command.Parameters, boardId, card);
            batch.BatchCommands.Add(command);
        }

        if (batch.BatchCommands.Count > 0)
        {
            await batch.ExecuteNonQueryAsync();
        }
    }

    private static void AddInsertParameters(NpgsqlParameterCollection parameters, Guid boardId, CardState card)
    {
        parameters.Add(new NpgsqlParameter<Guid> { TypedValue = boardId });
        parameters.Add(new NpgsqlParameter<Guid> { TypedValue = card.Id });
        parameters.Add(new NpgsqlParameter<string> { TypedValue = card.AuthorName });
        parameters.Add(new NpgsqlParameter<string> { TypedValue = card.Message });
        parameters.Add(new NpgsqlParameter<string> { TypedValue = card.KeyHash });
        parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = card.CreatedAt });
        parameters.Add(Timestamp(card.EditedAt));
        parameters.Add(Text(card.RequestId));
        parameters.Add(Text(card.RequestFingerprint));
    }

    private static NpgsqlParameter Timestamp(DateTimeOffset? value) => new() { Value = value is { } at ? at : DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz };

    private static NpgsqlParameter Text(string? value) => new() { Value = (object?)value ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text };
}
