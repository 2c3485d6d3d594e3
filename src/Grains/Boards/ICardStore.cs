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

    /// <summary>Removes a card (nothing when it is already gone).</summary>
    Task RemoveAsync(Guid boardId, Guid cardId);

    /// <summary>Adds cards that may already be stored (those are left as they are): moving cards out of an older board state.</summary>
    Task ImportAsync(Guid boardId, IReadOnlyList<CardState> cards);
}
