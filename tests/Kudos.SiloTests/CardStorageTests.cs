using Kudos.Grains;
using Kudos.Grains.Boards;
using Kudos.Grains.Security;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Orleans.Core.Internal;
using Orleans.Storage;
using Xunit;

namespace Kudos.SiloTests;

/// <summary>
/// Cards are rows of their own (<c>kudos_card</c>): a post inserts one row and leaves the board's state row alone, an edit
/// updates and a removal deletes that row; boards stored before, with their cards inside the board's state, still load.
/// </summary>
public sealed class CardStorageTests(InProcessSilo silo) : IClassFixture<InProcessSilo>
{
    private static readonly string Recipient = $"ada-{Guid.NewGuid():N}@example.test";

    [Fact(Timeout = 60_000)]
    public async Task A_post_an_edit_and_a_removal_each_write_one_card_row_and_never_the_board()
    {
        var (board, created) = await CreateAsync();
        var boardVersion = await BoardRowVersionAsync(board);

        var first = await board.AddCardAsync(created.ContributeKey, new NewCard("Alan", "Thank you!"), null);
        var second = await board.AddCardAsync(created.ContributeKey, new NewCard("Kate", "Bravo"), null);
        await board.EditCardAsync(first.CardId, first.CardKey, "Thank you, really!");
        Assert.Equal(["Thank you, really!", "Bravo"], (await CardRowsAsync(board)).Select(r => r.Message));

        await board.RemoveCardAsync(second.CardId, second.CardKey);
        Assert.Equal([first.CardId], (await CardRowsAsync(board)).Select(r => r.Id));
        Assert.Equal(boardVersion, await BoardRowVersionAsync(board));

        // A fresh activation reads the cards back from their rows.
        await DeactivateAsync(board);
        Assert.Equal("Thank you, really!", (await board.GetCardAsync(first.CardId, first.CardKey)).Message);
        Assert.Equal(1, (await board.GetOwnerViewAsync(created.OwnerKey)).CardCount);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_retried_post_is_answered_from_the_card_row_and_still_after_the_card_was_removed()
    {
        var (board, created) = await CreateAsync();
        var key = CapabilityKeys.New();
        var request = new IdempotentRequest(Guid.NewGuid().ToString("N") + "0123456789abcdef", "fingerprint-1", [key]);

        var posted = await board.AddCardAsync(created.ContributeKey, new NewCard("Alan", "Once"), request);
        var boardVersion = await BoardRowVersionAsync(board);
        await DeactivateAsync(board);
        Assert.Equal(posted, await board.AddCardAsync(created.ContributeKey, new NewCard("Alan", "Once"), request));
        var reused = await Assert.ThrowsAsync<KudosException>(() => board.AddCardAsync(created.ContributeKey, new NewCard("Alan", "Other"), request with { Fingerprint = "fingerprint-2" }));
        Assert.Equal("idempotency_key_reused", reused.Code);
        Assert.Single(await CardRowsAsync(board));
        Assert.Equal(boardVersion, await BoardRowVersionAsync(board));

        // Removing the card keeps the request in the board's log: a late retry does not post it again.
        await board.RemoveCardAsync(posted.CardId, posted.CardKey);
        await DeactivateAsync(board);
        Assert.Equal(posted, await board.AddCardAsync(created.ContributeKey, new NewCard("Alan", "Once"), request));
        Assert.Empty(await CardRowsAsync(board));
    }

    [Fact(Timeout = 60_000)]
    public async Task A_board_stored_with_its_cards_inside_its_state_moves_them_to_rows_when_it_loads()
    {
        var id = Guid.NewGuid();
        var board = silo.Grains.GetGrain<IBoardGrain>(id);
        var (ownerKey, alanKey, kateKey) = (CapabilityKeys.New(), CapabilityKeys.New(), CapabilityKeys.New());
        var now = DateTimeOffset.UtcNow;
        var alan = new CardState { Id = Guid.NewGuid(), AuthorName = "Alan", Message = "Older", KeyHash = CapabilityKeys.Hash(alanKey), CreatedAt = now.AddMinutes(-2) };
        var kate = new CardState { Id = Guid.NewGuid(), AuthorName = "Kate", Message = "Newer", KeyHash = CapabilityKeys.Hash(kateKey), CreatedAt = now.AddMinutes(-1), EditedAt = now };
        var legacy = new BoardState
        {
            Status = BoardStatus.Scheduled,
            Title = "Stored before",
            RecipientName = "Ada",
            RecipientEmail = Recipient,
            OwnerName = "Grace",
            OwnerEmail = "grace@example.test",
            DeliverAt = now.AddDays(30),
            CreatedAt = now.AddMinutes(-3),
            OwnerKeyHash = CapabilityKeys.Hash(ownerKey),
            ContributeKeyHash = CapabilityKeys.Hash(CapabilityKeys.New()),
            Cards = [alan, kate],
        };
        var storage = silo.Services.GetRequiredKeyedService<IGrainStorage>(StorageNames.Kudos);
        await storage.WriteStateAsync("board", board.GetGrainId(), new GrainState<BoardState>(legacy));

        var view = await board.GetOwnerViewAsync(ownerKey);
        Assert.Equal(2, view.CardCount);
        Assert.Equal(["Alan", "Kate"], view.ContributorNames);
        Assert.Equal("Older", (await board.GetCardAsync(alan.Id, alanKey)).Message);
        Assert.Equal(now.ToUnixTimeMilliseconds(), (await board.GetCardAsync(kate.Id, kateKey)).EditedAt!.Value.ToUnixTimeMilliseconds());
        Assert.Equal([alan.Id, kate.Id], (await CardRowsAsync(board)).Select(r => r.Id));

        // The state was written again without the cards, and the next activation does not import anything twice.
        var stored = new GrainState<BoardState>(new BoardState());
        await storage.ReadStateAsync("board", board.GetGrainId(), stored);
        Assert.True(stored.RecordExists);
        Assert.Equal("Stored before", stored.State!.Title);
        Assert.Null(stored.State.Cards);
        await DeactivateAsync(board);
        Assert.Equal(2, (await board.GetOwnerViewAsync(ownerKey)).CardCount);
        Assert.Equal(2, (await CardRowsAsync(board)).Count);
    }

    private async Task<(IBoardGrain Board, BoardCreated Created)> CreateAsync()
    {
        var board = silo.Grains.GetGrain<IBoardGrain>(Guid.NewGuid());
        var created = await board.CreateAsync(new CreateBoard("Cards", "Ada", Recipient, "Grace", "grace@example.test", DateTimeOffset.UtcNow.AddDays(30), "UTC"), null);
        return (board, created);
    }

    private static async Task DeactivateAsync(IBoardGrain board) =>
        await board.Cast<IGrainManagementExtension>().DeactivateOnIdle();

    private async Task<List<(Guid Id, string Message)>> CardRowsAsync(IBoardGrain board)
    {
        await using var dataSource = NpgsqlDataSource.Create(silo.ConnectionString);
        await using var command = dataSource.CreateCommand("SELECT card_id, message FROM kudos_card WHERE board_id = $1 ORDER BY created_at");
        command.Parameters.AddWithValue(board.GetPrimaryKey());
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        var rows = new List<(Guid, string)>();
        while (await reader.ReadAsync(TestContext.Current.CancellationToken))
        {
            rows.Add((reader.GetGuid(0), reader.GetString(1)));
        }

        return rows;
    }

    /// <summary>The version of the board's grain-state row: it goes up by one with every write of the board's state.</summary>
    private async Task<int> BoardRowVersionAsync(IBoardGrain board)
    {
        var stored = new GrainState<BoardState>(new BoardState());
        await silo.Services.GetRequiredKeyedService<IGrainStorage>(StorageNames.Kudos).ReadStateAsync("board", board.GetGrainId(), stored);
        return int.Parse(stored.ETag!, System.Globalization.CultureInfo.InvariantCulture);
    }
}
