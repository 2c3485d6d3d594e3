namespace Kudos.Grains.Boards;

/// <summary>
/// A kudos board: its sealed cards, its capability-key hashes and a durable reminder set to its delivery instant.
/// Every method that takes a key answers <see cref="KudosErrorKind.NotFound"/> for a wrong key, exactly as for an
/// unknown board, so ids cannot be probed.
/// </summary>
public interface IBoardGrain : IGrainWithGuidKey
{
    /// <summary>
    /// Creates the board (a draft when no delivery instant is given, otherwise sealed and scheduled). With
    /// <paramref name="request"/>, the board's keys are the derived ones and a repeat of the same request answers the first
    /// response again.
    /// </summary>
    Task<BoardCreated> CreateAsync(CreateBoard command, IdempotentRequest? request);

    /// <summary>The owner's view: status, schedule, contributor names and count, and the delivery's state.</summary>
    Task<BoardOwnerView> GetOwnerViewAsync(string ownerKey);

    /// <summary>Changes title, recipient or schedule before delivery; a new instant moves the reminder.</summary>
    Task<BoardOwnerView> UpdateAsync(string ownerKey, UpdateBoard command);

    /// <summary>Unlocks the board now and hands the delivery email to dispatch.</summary>
    Task<BoardOwnerView> DeliverNowAsync(string ownerKey);

    /// <summary>Cancels the board: it will never be delivered and its reminder is removed.</summary>
    Task CancelAsync(string ownerKey);

    /// <summary>What a contributor's form or the recipient's page needs: title, recipient name, schedule, status, card count (any of the board's keys).</summary>
    Task<BoardSummary> GetSummaryAsync(string key);

    /// <summary>Adds a card while posting is open (until the delivery instant); a repeated <paramref name="request"/> adds nothing.</summary>
    Task<CardCreated> AddCardAsync(string contributeKey, NewCard card, IdempotentRequest? request);

    /// <summary>Reads one card with its own key.</summary>
    Task<CardView> GetCardAsync(Guid cardId, string cardKey);

    /// <summary>Edits one's own card while posting is open.</summary>
    Task<CardView> EditCardAsync(Guid cardId, string cardKey, string message);

    /// <summary>Removes a card before delivery, with its own key or the owner's key (moderation).</summary>
    Task RemoveCardAsync(Guid cardId, string key);

    /// <summary>All cards, for the recipient, owner or contributors: after delivery only, otherwise Forbidden.</summary>
    Task<IReadOnlyList<CardView>> GetCardsAsync(string key);

    /// <summary>
    /// Invites contributors by email: each gets a personal contribution link, and a reminder before the delivery
    /// instant if they have not posted by then. Needs the contribution key too: the board keeps only its hash.
    /// </summary>
    Task<IReadOnlyList<InviteeView>> InviteAsync(string ownerKey, string contributeKey, IReadOnlyList<string> emails, IdempotentRequest? request);

    /// <summary>One-click unsubscribe from this board's invitations and reminders (RFC 8058); returns the masked address.</summary>
    Task<string> UnsubscribeAsync(string unsubscribeToken);

    /// <summary>
    /// Told by the delivery email's dispatch when it is sent, fails, is suppressed or held: the owner gets a short
    /// "delivered" email, or an urgent notice with the reason, so a failed delivery is never silent.
    /// </summary>
    Task OnDeliveryOutcomeAsync(Email.DispatchView outcome);
}
