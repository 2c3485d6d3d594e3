using Orleans.Concurrency;

namespace Kudos.Grains.Boards;

/// <summary>
/// A kudos board: its sealed cards, its capability-key hashes and a durable reminder set to its delivery instant.
/// Every method that takes a key answers <see cref="KudosErrorKind.NotFound"/> for a wrong key, exactly as for an
/// unknown board, so ids cannot be probed. Where the owner key is asked for, the owner's credential (issued when they
/// confirmed their address) opens the board too.
/// </summary>
public interface IBoardGrain : IGrainWithGuidKey
{
    /// <summary>
    /// Creates the board (a draft when no delivery instant is given, otherwise sealed and scheduled). With
    /// <paramref name="request"/>, the board's keys are the derived ones and a repeat of the same request answers the first
    /// response again. Without a valid <paramref name="ownerCredential"/> for the owner's address (and when confirmation is
    /// required) the owner is emailed a confirmation link and nothing else is sent until it is used.
    /// </summary>
    /// <exception cref="KudosException">Invalid input; a credential that is not the owner's (401); an owner quota (429).</exception>
    Task<BoardCreated> CreateAsync(CreateBoard command, IdempotentRequest? request, string? ownerCredential = null);

    /// <summary>Confirms the owner's address with the token from the confirmation link; releases what waited and returns the owner credential.</summary>
    Task<OwnerConfirmed> ConfirmOwnerAsync(string token);

    /// <summary>Emails the owner a new confirmation link (the earlier ones stop working).</summary>
    Task<BoardOwnerView> ResendOwnerConfirmationAsync(string ownerKey);

    /// <summary>The board as its owner's list shows it; <paramref name="ownerKey"/> is the board's owner key or the owner's credential.</summary>
    Task<OwnedBoard> GetOwnedBoardAsync(string ownerKey);

    /// <summary>Told by the owner's grain when an operator lifts the reputation hold: held invitations leave.</summary>
    Task OnInvitationsReleasedAsync();

    /// <summary>The owner's view: status, schedule, contributor names and count, and the delivery's state.</summary>
    Task<BoardOwnerView> GetOwnerViewAsync(string ownerKey);

    /// <summary>Changes title, recipient or schedule before delivery; a new instant moves the reminder.</summary>
    Task<BoardOwnerView> UpdateAsync(string ownerKey, UpdateBoard command);

    /// <summary>
    /// Unlocks the board now and hands the delivery email to dispatch. A board with fewer cards than the operator's
    /// threshold needs <paramref name="confirmFewCards"/> (otherwise 409 <c>few_cards_unconfirmed</c>).
    /// </summary>
    Task<BoardOwnerView> DeliverNowAsync(string ownerKey, bool confirmFewCards = false);

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

    /// <summary>Adds a processed picture to one's own card (its key) while posting is open; at most <see cref="BoardLimits.MaxImagesPerCard"/>.</summary>
    Task<CardImageView> AddCardImageAsync(Guid cardId, string cardKey, CardImageUpload image);

    /// <summary>Removes a picture from one's own card while posting is open.</summary>
    Task RemoveCardImageAsync(Guid cardId, Guid imageId, string cardKey);

    /// <summary>A picture: for its author at any time, for every reader of the board after delivery; NotFound otherwise.</summary>
    Task<CardImageContent> GetCardImageAsync(Guid cardId, Guid imageId, string key);

    /// <summary>Gives (<paramref name="on"/>) or takes back a reaction after delivery (recipient, owner or a contributor's own key); returns the card's counts.</summary>
    Task<IReadOnlyList<ReactionCount>> ReactAsync(Guid cardId, string key, string reaction, bool on);

    /// <summary>The recipient's thank-you note, once after delivery: emailed to the owner and every contributor who left an address.</summary>
    Task<ThanksView> SendThanksAsync(string recipientKey, string message);

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

    /// <summary>
    /// Told by an owner's notice's dispatch when its first attempt is over (it finished or keeps its own retry schedule):
    /// the board's reminder, its backstop until then, can go. One-way: if lost, the reminder's next tick finds the same.
    /// </summary>
    [OneWay]
    Task OnBackstopReleasedAsync(string dispatchId);
}
