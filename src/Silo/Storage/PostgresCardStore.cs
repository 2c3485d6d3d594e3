using System.Text.Json;
using Kudos.Grains.Boards;
using Npgsql;
using NpgsqlTypes;

namespace Kudos.Silo.Storage;

/// <summary>
/// The cards in the <c>kudos_card</c> table (deploy/sql/005_kudos_cards.sql, 011) and their pictures in
/// <c>kudos_card_image</c>, one statement per operation (a picture and the card's list of pictures change in one).
/// </summary>
public sealed class PostgresCardStore(NpgsqlDataSource dataSource) : ICardStore
{
    private const string Columns = "card_id, author_name, message, key_hash, created_at, edited_at, request_id, request_fingerprint, author_email, images, reactions";

    private const string InsertSql = $"INSERT INTO kudos_card (board_id, {Columns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.General);

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
                AuthorEmail = reader.IsDBNull(8) ? null : reader.GetString(8),
                Images = reader.IsDBNull(9) ? [] : JsonSerializer.Deserialize<List<CardImageState>>(reader.GetString(9), Json) ?? [],
                Reactions = reader.IsDBNull(10) ? [] : JsonSerializer.Deserialize<List<ReactionState>>(reader.GetString(10), Json) ?? [],
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
        AddKey(command.Parameters, boardId, card.Id);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = card.Message });
        command.Parameters.Add(Timestamp(card.EditedAt));
        await command.ExecuteNonQueryAsync();
    }

    public async Task RemoveAsync(Guid boardId, Guid cardId)
    {
        await using var command = dataSource.CreateCommand(
            "WITH pictures AS (DELETE FROM kudos_card_image WHERE board_id = $1 AND card_id = $2) DELETE FROM kudos_card WHERE board_id = $1 AND card_id = $2");
        AddKey(command.Parameters, boardId, cardId);
        await command.ExecuteNonQueryAsync();
    }

    public async Task AddImageAsync(Guid boardId, CardState card, Guid imageId, string contentType, byte[] bytes)
    {
        await using var command = dataSource.CreateCommand(
            "WITH picture AS (INSERT INTO kudos_card_image (board_id, image_id, card_id, content_type, bytes, created_at) VALUES ($1, $4, $2, $5, $6, now())) "
            + "UPDATE kudos_card SET images = $3 WHERE board_id = $1 AND card_id = $2");
        AddKey(command.Parameters, boardId, card.Id);
        command.Parameters.Add(Jsonb(card.Images));
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = imageId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = contentType });
        command.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = bytes });
        await command.ExecuteNonQueryAsync();
    }

    public async Task RemoveImageAsync(Guid boardId, CardState card, Guid imageId)
    {
        await using var command = dataSource.CreateCommand(
            "WITH picture AS (DELETE FROM kudos_card_image WHERE board_id = $1 AND image_id = $4) UPDATE kudos_card SET images = $3 WHERE board_id = $1 AND card_id = $2");
        AddKey(command.Parameters, boardId, card.Id);
        command.Parameters.Add(Jsonb(card.Images));
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = imageId });
        await command.ExecuteNonQueryAsync();
    }

    public async Task<byte[]?> ReadImageAsync(Guid boardId, Guid imageId)
    {
        await using var command = dataSource.CreateCommand("SELECT bytes FROM kudos_card_image WHERE board_id = $1 AND image_id = $2");
        AddKey(command.Parameters, boardId, imageId);
        return await command.ExecuteScalarAsync() as byte[];
    }

    public async Task UpdateReactionsAsync(Guid boardId, CardState card)
    {
        await using var command = dataSource.CreateCommand("UPDATE kudos_card SET reactions = $3 WHERE board_id = $1 AND card_id = $2");
        AddKey(command.Parameters, boardId, card.Id);
        command.Parameters.Add(Jsonb(card.Reactions));
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

    private static void AddKey(NpgsqlParameterCollection parameters, Guid boardId, Guid id)
    {
        parameters.Add(new NpgsqlParameter<Guid> { TypedValue = boardId });
        parameters.Add(new NpgsqlParameter<Guid> { TypedValue = id });
    }

    private static void AddInsertParameters(NpgsqlParameterCollection parameters, Guid boardId, CardState card)
    {
        AddKey(parameters, boardId, card.Id);
        parameters.Add(new NpgsqlParameter<string> { TypedValue = card.AuthorName });
        parameters.Add(new NpgsqlParameter<string> { TypedValue = card.Message });
        parameters.Add(new NpgsqlParameter<string> { TypedValue = card.KeyHash });
        parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = card.CreatedAt });
        parameters.Add(Timestamp(card.EditedAt));
        parameters.Add(Text(card.RequestId));
        parameters.Add(Text(card.RequestFingerprint));
        parameters.Add(Text(card.AuthorEmail));
        parameters.Add(card.Images.Count == 0 ? Jsonb<CardImageState>(null) : Jsonb(card.Images));
        parameters.Add(card.Reactions.Count == 0 ? Jsonb<ReactionState>(null) : Jsonb(card.Reactions));
    }

    private static NpgsqlParameter Jsonb<T>(List<T>? value) =>
        new() { Value = value is null ? DBNull.Value : JsonSerializer.Serialize(value, Json), NpgsqlDbType = NpgsqlDbType.Jsonb };

    private static NpgsqlParameter Timestamp(DateTimeOffset? value) => new() { Value = value is { } at ? at : DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz };

    private static NpgsqlParameter Text(string? value) => new() { Value = (object?)value ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text };
}
