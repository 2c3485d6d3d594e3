namespace Kudos.Grains.Boards;

/// <summary>
/// Where a board's cards are kept, one record per card, so that posting, editing or removing one card writes that card
/// alone. The board grain is the only caller (and so the single writer of its cards); it applies the sealing rules.
/// </summary>
public interface ICardStore
{
    /// <summary>Every card of <paramref name="boardId"/>, oldest first.</summary>
    Task<List<CardState>> ReadAsync(Guid boardId);

    /// <summary>Adds a card; <paramref name="card"/>'s id must be new on this board.</summary>
    Task AddAsync(Guid boardId, CardState card);

    /// <summary>Stores the card's new message and edit time.</summary>
    Task UpdateAsync(Guid boardId, CardState card);

    /// <summary>Removes a card and its pictures (nothing when it is already gone).</summary>
    Task RemoveAsync(Guid boardId, Guid cardId);

    /// <summary>
    /// Stores a picture's bytes and the card's new picture list (<paramref name="card"/>'s <see cref="CardState.Images"/>,
    /// which already lists it) together: either both are stored or neither.
    /// </summary>
    Task AddImageAsync(Guid boardId, CardState card, Guid imageId, string contentType, byte[] bytes);

    /// <summary>Removes a picture's bytes and stores the card's picture list without it, together.</summary>
    Task RemoveImageAsync(Guid boardId, CardState card, Guid imageId);

    /// <summary>A picture's bytes, or null when there is none with this id on the board.</summary>
    Task<byte[]?> ReadImageAsync(Guid boardId, Guid imageId);

    /// <summary>Stores the card's reactions.</summary>
    Task UpdateReactionsAsync(Guid boardId, CardState card);

    /// <summary>Adds cards that may already be stored (those are left as they are): moving cards out of an older board state.</summary>
    Task ImportAsync(Guid boardId, IReadOnlyList<CardState> cards);
}
