using Kudos.Grains.Email;
using Kudos.Grains.Owners;
using Kudos.Grains.Scheduling;
using Kudos.Grains.Security;
using Kudos.Grains.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Kudos.Grains.Boards;

/// <summary>
/// A board. It seals its cards until the delivery instant, which a durable <c>deliver</c> reminder marks. Every email the
/// board causes (the delivery, invitations, invitee reminders, owner notices) goes through its outbox: recorded in the same
/// state write as the change that causes it, handed to its <see cref="IEmailDispatchGrain"/> by an idempotent id, dropped
/// from the outbox once accepted, and reconciled on activation and by the reminder, which stays registered while
/// anything waits. Every step is idempotent, so duplicate ticks, crashes between steps and reactivations all converge on
/// exactly one hand-off per email.
/// </summary>
public sealed partial class BoardGrain(
    [PersistentState("board", StorageNames.Kudos)] IPersistentState<BoardState> board,
    ICardStore cardStore,
    DueWorkGate dueWork,
    TimeProvider time,
    IOptions<KudosOptions> options,
    IOptions<EmailOptions> emailOptions,
    IOptions<OwnerOptions> ownerOptions,
    ILogger<BoardGrain> logger) : Grain, IBoardGrain, IBoardDueStep, IRemindable, ActivationEnding.IDeactivationAware
{
    private const string DeliverReminder = "deliver";
    private const string RemindInviteesReminder = "remind-invitees";
    private const string OutboxReminder = "outbox";

    private DueTimer? _deliver;
    private DueTimer? _outbox;
    private DueTimer? _remindInvitees;

    /// <summary>The board's cards, read from <see cref="ICardStore"/> when first needed by this activation.</summary>
    private List<CardState>? _cards;

    /// <summary>
    /// The delivery instant while scheduled. Once delivered, the backstop of what follows: "now" while an email waits in the
    /// outbox (a failed hand-off is retried on the next tick), then, until the delivery's outcome is reported, a while after
    /// the hand-off (<see cref="KudosOptions.DeliveryOutcomeBackstop"/>), when the board wakes the dispatch in case a crash
    /// cut its first attempt short. So neither the owner's notice nor the dispatch's first attempt registers a reminder.
    /// </summary>
    private DueTimer Deliver => _deliver ??= new DueTimer(
        this,
        DeliverReminder,
        options.Value.ReminderPeriod,
        time,
        () => State.Status == BoardStatus.Scheduled ? FewCardsWarningAt ?? State.DeliverAt
            : State.Delivery is not { } delivery ? null
            : State.Outbox.Count > 0 ? time.GetUtcNow()
            : delivery.OutcomeAt is null ? NextOutcomeCheck
            : AwaitingNotice ? NextCheck(_noticeHandedOffAt)
            : null,
        DueStepAsync,
        interleave: true);

    /// <summary>When this activation last woke the dispatch it waits for (the delivery's, then the notice's) and found it at work.</summary>
    private DateTimeOffset? _outcomeCheckedAt;

    /// <summary>How many times in a row this activation found that dispatch still at work.</summary>
    private int _outcomeChecks;

    /// <summary>When this activation handed off the owner's notice (null after a reactivation: checked at the first tick).</summary>
    private DateTimeOffset? _noticeHandedOffAt;

    /// <summary>Whether this activation saw the notice's dispatch finish (the deliver reminder is gone then).</summary>
    private bool _noticeSettled;

    /// <inheritdoc />
    public ActivationEnding.Signal EndingSignal { get; } = new();

    private DateTimeOffset NextOutcomeCheck => NextCheck(State.Delivery!.HandedOffAt);

    /// <summary>
    /// When the backstop next wakes the dispatch: its wait after the hand-off (or the last check), doubling after each check
    /// that found the dispatch still at work (at most 64 times the first) — a dispatch that answers is alive and keeps its
    /// own schedule, so a long queue at the SMTP server costs a few checks, not one per reminder tick.
    /// </summary>
    private DateTimeOffset NextCheck(DateTimeOffset? handedOffAt) =>
        Later(handedOffAt, _outcomeCheckedAt) + (options.Value.DeliveryOutcomeBackstop * (1 << Math.Min(_outcomeChecks, 6)));

    /// <summary>One period after the oldest other email waiting in the outbox: the retry of a hand-off that failed or was cut short.</summary>
    private DueTimer Outbox => _outbox ??= new DueTimer(
        this,
        OutboxReminder,
        options.Value.ReminderPeriod,
        time,
        () => OthersWaiting ? State.Outbox.Where(IsNotDelivery).Min(e => e.RecordedAt) + options.Value.ReminderPeriod : null,
        _ => this.ResetOnFailureAsync(board, async () =>
        {
            await ReconcileStepsAsync();
            if (!OthersWaiting)
            {
                await Outbox.CancelAsync();
            }
        }));

    /// <summary>The invitees' reminder, a set time before delivery, while someone invited (and actually sent the invitation) has not posted.</summary>
    private DueTimer RemindInvitees => _remindInvitees ??= new DueTimer(
        this,
        RemindInviteesReminder,
        options.Value.ReminderPeriod,
        time,
        () => InvitationsWait ? null : BoardRules.InviteeReminderAt(State, options.Value.InviteReminderLead),
        _ => this.ResetOnFailureAsync(board, RemindInviteesAsync));

    private bool OthersWaiting => State.Outbox.Exists(IsNotDelivery);

    /// <summary>Delivered, and the delivery's dispatch has not reported an outcome yet.</summary>
    private bool AwaitingOutcome => State.Delivery is { OutcomeAt: null };

    /// <summary>
    /// The owner's notice was handed off and this activation has not seen its dispatch finish. Only a tick of the deliver
    /// reminder acts on it (an activation does not): if the reminder is gone, the notice was seen sent before.
    /// </summary>
    private bool AwaitingNotice => State.Delivery is { OutcomeAt: not null, NoticeDispatchId: not null } && !_noticeSettled;

    private BoardState State => board.State;

    private BoardRules.BoardDefaults Defaults => new(options.Value.DefaultEmptyBoardPolicy, options.Value.FewCardsWarningLead);

    /// <summary>When the owner of a thin board is warned, while that is still ahead of the instant (see <see cref="BoardRules.FewCardsWarningAt"/>).</summary>
    private DateTimeOffset? FewCardsWarningAt =>
        BoardRules.FewCardsWarningAt(State, options.Value.FewCardsWarningLead, options.Value.FewCardsThreshold) is { } at && at < State.DeliverAt ? at : null;

    private Guid Id => this.GetPrimaryKey();

    private IOwnerGrain Owner => GrainFactory.GetGrain<IOwnerGrain>(Addresses.Normalize(State.OwnerEmail));

    /// <summary>Invitations and reminders wait while the owner is unconfirmed or held by the reputation guard.</summary>
    private bool InvitationsWait => State.OwnerConfirmation is not null || State.InvitationsHeld;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // Rows written before the outbox kept an unsent delivery email in the delivery record.
        if (State.Delivery is { HandedOff: false, Email: { } legacy } delivery)
        {
            Record(delivery.DispatchId, legacy);
            delivery.Email = null;
        }

        // Rows written before cards were rows kept them in the board's state: they move to the card store (idempotently,
        // so a crash before the state write only repeats the import), then the state is written without them.
        if (State.Cards is { } legacyCards)
        {
            await cardStore.ImportAsync(Id, legacyCards);
            State.Cards = null;
            await board.WriteStateAsync(cancellationToken);
        }

        // Reconcile a board that is due but not delivered, or has emails not handed off, without waiting for the next
        // reminder tick, and restore a reminder lost between a state write and its registration.
        if (State.Status is BoardStatus.Scheduled || State.Outbox.Count > 0 || AwaitingOutcome)
        {
            this.RegisterGrainTimer(DueStepAsync, new GrainTimerCreationOptions(TimeSpan.Zero, Timeout.InfiniteTimeSpan) { Interleave = true });
        }
    }

    public async Task<BoardCreated> CreateAsync(CreateBoard command, IdempotentRequest? request, string? ownerCredential = null)
    {
        if (State.Status != BoardStatus.None && RequestLog.ReplayCreation(Id, State, command, request) is { } first)
        {
            await HandOffAsync();
            return first;
        }

        var now = time.GetUtcNow();
        string ownerKey = "", contributeKey = "";
        var confirmed = false;

        // The owner's quotas are counted before the board is written; if one is exhausted the board is dropped from memory.
        await this.ResetOnFailureAsync(board, async () =>
        {
            (ownerKey, contributeKey) = BoardRules.Create(State, command, now, request?.Keys, Defaults);
            confirmed = await IsOwnerConfirmedAsync(ownerCredential);
            IReadOnlyList<string> invitationIds = [.. (command.ContributorEmails ?? []).Select(e => InvitationEmail.InvitationId(Id, e)).Distinct()];
            var standing = await Owner.AdmitBoardAsync(Id, confirmed, invitationIds);
            State.InvitationsHeld = standing.InvitationsHeld && invitationIds.Count > 0;
        });

        State.CreationFingerprint = request?.Fingerprint;

        // Pending before the invitations are recorded, so they wait; the email is composed after, to count them.
        var confirmationToken = confirmed ? null : IssueOwnerConfirmation();
        if (command.ContributorEmails is { Count: > 0 } emails)
        {
            Invite(contributeKey, emails);
        }

        if (confirmationToken is not null)
        {
            RecordOwnerConfirmation(confirmationToken, due: false);
        }

        await board.WriteStateAsync();
        if (State.Status == BoardStatus.Scheduled)
        {
            await ScheduleReminderAsync();
            KudosMetrics.BoardScheduled();
        }

        LogCreated(Id, State.Status, State.DeliverAt);
        await HandOffAsync();
        return new BoardCreated(Id, ownerKey, contributeKey, State.Status, State.DeliverAt, State.OwnerConfirmation is not null);
    }

    public async Task<OwnerConfirmed> ConfirmOwnerAsync(string token)
    {
        // A wrong, used or expired token throws here, before anything changes.
        BoardRules.ConfirmOwner(State, token, time.GetUtcNow());
        var credential = "";
        await this.ResetOnFailureAsync(board, async () =>
        {
            credential = await Owner.IssueCredentialAsync(Id);
            ReleaseWaiting();
            await board.WriteStateAsync();
        });

        LogOwnerConfirmed(Id, State.Status);
        if (State.Status == BoardStatus.Scheduled)
        {
            // Invitee reminders were not armed while invitations waited; a board whose instant passed is delivered now.
            await ScheduleReminderAsync();
            await DeliverAsync(force: false, "owner-confirmed");
        }

        await HandOffAsync();
        return new OwnerConfirmed(Id, State.OwnerEmail, credential, State.Status);
    }

    public async Task<BoardOwnerView> ResendOwnerConfirmationAsync(string ownerKey)
    {
        await EnsureOwnerAsync(ownerKey);
        if (State.OwnerConfirmation is null)
        {
            throw KudosException.Conflict("owner_confirmed", "The owner's address is already confirmed for this board.");
        }

        BoardRules.EnsureNotFinal(State);
        BoardRules.EnsureConfirmationEmailAllowed(State, ownerOptions.Value.Quotas.ConfirmationEmailsPerBoard);
        await Owner.AdmitConfirmationEmailAsync(Id);
        RecordOwnerConfirmation(IssueOwnerConfirmation(), due: State.Status == BoardStatus.AwaitingOwnerConfirmation);
        await board.WriteStateAsync();
        await HandOffAsync();
        return await OwnerViewAsync();
    }

    public async Task<OwnedBoard> GetOwnedBoardAsync(string ownerKey)
    {
        await EnsureOwnerAsync(ownerKey);
        var cards = await CardsAsync();
        return new OwnedBoard(Id, State.Title, State.RecipientName, State.Status, State.DeliverAt, State.TimeZone, cards.Count, State.CreatedAt, State.OwnerConfirmation is not null);
    }

    public async Task OnInvitationsReleasedAsync()
    {
        if (!State.InvitationsHeld)
        {
            return;
        }

        State.InvitationsHeld = false;
        ReleaseWaiting();
        await board.WriteStateAsync();
        if (State.Status == BoardStatus.Scheduled)
        {
            await ScheduleReminderAsync();
        }

        await HandOffAsync();
    }

    public async Task<BoardOwnerView> GetOwnerViewAsync(string ownerKey)
    {
        await EnsureOwnerAsync(ownerKey);
        return await OwnerViewAsync();
    }

    public async Task<BoardOwnerView> UpdateAsync(string ownerKey, UpdateBoard command)
    {
        await EnsureOwnerAsync(ownerKey);
        var moved = BoardRules.Update(State, command, time.GetUtcNow(), Defaults);
        await board.WriteStateAsync();
        if (moved)
        {
            await ScheduleReminderAsync();
            KudosMetrics.BoardScheduled();
            LogRescheduled(Id, State.DeliverAt);
        }

        return await OwnerViewAsync();
    }

    public async Task<BoardOwnerView> DeliverNowAsync(string ownerKey, bool confirmFewCards = false)
    {
        await EnsureOwnerAsync(ownerKey);
        BoardRules.EnsureNotFinal(State);
        BoardRules.EnsureOwnerConfirmed(State);
        BoardRules.EnsureFewCardsConfirmed((await CardsAsync()).Count, options.Value.FewCardsThreshold, confirmFewCards);
        await DeliverAsync(force: true, "now");
        return await OwnerViewAsync();
    }

    public async Task CancelAsync(string ownerKey)
    {
        await EnsureOwnerAsync(ownerKey);
        BoardRules.Cancel(State, time.GetUtcNow());
        // Invitations to a cancelled board that were not handed off yet have nothing left to invite to.
        State.Outbox.Clear();
        State.Waiting.Clear();
        await board.WriteStateAsync();
        await HandOffAsync();
        LogCancelled(Id);
    }

    public async Task<IReadOnlyList<InviteeView>> InviteAsync(string ownerKey, string contributeKey, IReadOnlyList<string> emails, IdempotentRequest? request)
    {
        await EnsureOwnerAsync(ownerKey);
        if (RequestLog.IsReplay(State, request, time.GetUtcNow()))
        {
            await HandOffAsync();
            return InviteeViews();
        }

        if (!CapabilityKeys.Matches(contributeKey, State.ContributeKeyHash))
        {
            throw KudosException.Invalid("contributeKey", "'contributeKey' must be this board's contribution key (it goes into the invitations' links).");
        }

        if (emails.Count is 0 or > BoardLimits.MaxInvitees)
        {
            throw KudosException.Invalid("emails", $"'emails' must list 1 to {BoardLimits.MaxInvitees} addresses.");
        }

        // The owner's daily quota is counted first; if it is exhausted, the invitees are dropped from memory again.
        await this.ResetOnFailureAsync(board, async () =>
        {
            var fresh = Invite(contributeKey, emails);
            var standing = await Owner.AdmitInvitationsAsync(Id, [.. fresh.Select(i => InvitationEmail.InvitationId(Id, i.Email))]);
            if (standing.InvitationsHeld && fresh.Count > 0 && !State.InvitationsHeld)
            {
                // Already recorded in the outbox: move them to wait for the operator.
                State.InvitationsHeld = true;
                HoldInvitations();
            }
        });
        RequestLog.Record(State, request, time.GetUtcNow());
        await board.WriteStateAsync();
        if (State.Status == BoardStatus.Scheduled)
        {
            await ScheduleReminderAsync();
        }

        await HandOffAsync();
        return InviteeViews();
    }

    public async Task<string> UnsubscribeAsync(string unsubscribeToken)
    {
        var invitee = State.Invitees.Find(i => CapabilityKeys.Matches(unsubscribeToken, i.UnsubscribeTokenHash))
            ?? throw KudosException.NotFound("subscription");
        await GrainFactory.GetGrain<ISuppressionGrain>(Addresses.Normalize(invitee.Email))
            .AddAsync(SuppressionReason.Unsubscribe, expiresAt: null, $"One-click unsubscribe from board {Id:N}");
        LogUnsubscribed(Id);
        return Mask(invitee.Email);
    }

    public async Task<BoardSummary> GetSummaryAsync(string key)
    {
        var (viewer, _) = await ViewerAsync(key);
        var cards = await CardsAsync();
        var delivered = State.Status == BoardStatus.Delivered;
        return new BoardSummary(
            Id,
            State.Title,
            State.RecipientName,
            State.Status,
            State.DeliverAt,
            State.TimeZone,
            cards.Count,
            State.OwnerName,
            delivered ? State.NoteToRecipient : null,
            delivered ? ThanksView() : null,
            State.DeliveredAt,
            viewer);
    }

    /// <summary>One insert of the card; the board's state is written only for an invitee's first card.</summary>
    public async Task<CardCreated> AddCardAsync(string contributeKey, NewCard card, IdempotentRequest? request)
    {
        EnsureKey(contributeKey, State.ContributeKeyHash);
        (Guid Id, string Key)? identity = request is { Keys: [var derivedKey] } ? (Guid.ParseExact(request.RequestId[..32], "N"), derivedKey) : null;
        var cards = await CardsAsync();
        if (identity is { } derived
            && (RequestLog.IsReplay(State, request, time.GetUtcNow()) || RequestLog.IsReplay(cards.Find(c => c.Id == derived.Id)?.RequestFingerprint, request!)))
        {
            return new CardCreated(derived.Id, derived.Key);
        }

        var (added, cardKey, inviteeFirstPost) = BoardRules.AddCard(State, cards, card, time.GetUtcNow(), identity);
        added.RequestId = request?.RequestId;
        added.RequestFingerprint = request?.Fingerprint;
        await this.ResetOnFailureAsync(board, async () =>
        {
            await cardStore.AddAsync(Id, added);
            cards.Add(added);

            // The receipt (with the card's own link: its key is in clear only now) is recorded with the card, and waits
            // like invitations while the owner is unconfirmed or held.
            var receipt = added.AuthorEmail is not null && Record(
                CardReceiptEmail.DispatchId(Id, added.Id),
                CardReceiptEmail.Compose(Id, State, added, CardReceiptEmail.CardUrl(options.Value.PublicBaseUrl, Id, contributeKey, added.Id, cardKey)));
            if (inviteeFirstPost || receipt)
            {
                await board.WriteStateAsync();
            }
        });
        await HandOffAsync();
        return new CardCreated(added.Id, cardKey);
    }

    public async Task<CardView> GetCardAsync(Guid cardId, string cardKey) => ToView(await FindCardAsync(cardId, cardKey));

    public async Task<CardView> EditCardAsync(Guid cardId, string cardKey, string message)
    {
        var card = await FindCardAsync(cardId, cardKey);
        BoardRules.EditCard(State, card, message, time.GetUtcNow());
        await this.ResetOnFailureAsync(board, () => cardStore.UpdateAsync(Id, card));
        return ToView(card);
    }

    /// <summary>
    /// One delete. A card posted with an <c>Idempotency-Key</c> leaves that request in the board's log, so that a late retry
    /// of the post is still answered as a replay rather than posting the card again.
    /// </summary>
    public async Task RemoveCardAsync(Guid cardId, string key)
    {
        var cards = State.Status == BoardStatus.None ? [] : await CardsAsync();
        var card = cards.Find(c => c.Id == cardId);
        if (card is null || !(CapabilityKeys.Matches(key, card.KeyHash) || await IsOwnerAsync(key)))
        {
            throw KudosException.NotFound("card");
        }

        var now = time.GetUtcNow();
        BoardRules.RemoveCard(State, now);
        await this.ResetOnFailureAsync(board, async () =>
        {
            await cardStore.RemoveAsync(Id, card.Id);
            cards.Remove(card);
            if (RequestLog.Remember(State, card, now))
            {
                await board.WriteStateAsync();
            }
        });
    }

    public async Task<IReadOnlyList<CardView>> GetCardsAsync(string key)
    {
        var (_, reader) = await ViewerAsync(key);
        BoardRules.EnsureUnsealed(State);
        var cards = await CardsAsync();
        return [.. cards.OrderBy(c => c.CreatedAt).Select(c => ToView(c, reader))];
    }

    /// <summary>Stores a processed picture and lists it on the author's card, in one statement; while posting is open.</summary>
    public async Task<CardImageView> AddCardImageAsync(Guid cardId, string cardKey, CardImageUpload image)
    {
        var card = await FindCardAsync(cardId, cardKey);
        BoardRules.EnsureCanAddImage(State, card, time.GetUtcNow());
        var added = new CardImageState { Id = Guid.NewGuid(), ContentType = image.ContentType, Width = image.Width, Height = image.Height, Length = image.Bytes.Length };
        card.Images.Add(added);
        try
        {
            await cardStore.AddImageAsync(Id, card, added.Id, added.ContentType, image.Bytes);
        }
        catch
        {
            card.Images.Remove(added);
            throw;
        }

        LogImageAdded(Id, cardId, added.Id, added.Length);
        return ToView(added);
    }

    public async Task RemoveCardImageAsync(Guid cardId, Guid imageId, string cardKey)
    {
        var card = await FindCardAsync(cardId, cardKey);
        var image = card.Images.Find(i => i.Id == imageId) ?? throw KudosException.NotFound("picture");
        BoardRules.RemoveImage(State, time.GetUtcNow());
        card.Images.Remove(image);
        try
        {
            await cardStore.RemoveImageAsync(Id, card, imageId);
        }
        catch
        {
            card.Images.Add(image);
            throw;
        }
    }

    /// <summary>
    /// A picture for its author (the card's key) at any time, or, once delivered, for any reader of the board; everyone
    /// else is answered as for an unknown picture, so sealed pictures cannot be probed.
    /// </summary>
    public async Task<CardImageContent> GetCardImageAsync(Guid cardId, Guid imageId, string key)
    {
        var card = State.Status == BoardStatus.None ? null : (await CardsAsync()).Find(c => c.Id == cardId);
        var image = card?.Images.Find(i => i.Id == imageId);
        var allowed = card is not null && image is not null
            && (CapabilityKeys.Matches(key, card.KeyHash) || (State.Status == BoardStatus.Delivered && await ViewerOrNullAsync(key) is not null));
        if (!allowed || await cardStore.ReadImageAsync(Id, imageId) is not { } bytes)
        {
            throw KudosException.NotFound("picture");
        }

        return new CardImageContent(bytes, image!.ContentType, State.Status != BoardStatus.Delivered);
    }

    /// <summary>A reaction given or taken back by the recipient, the owner or a contributor with their own key; after delivery.</summary>
    public async Task<IReadOnlyList<ReactionCount>> ReactAsync(Guid cardId, string key, string reaction, bool on)
    {
        var (_, reader) = await ViewerAsync(key);
        var card = (await CardsAsync()).Find(c => c.Id == cardId) ?? throw KudosException.NotFound("card");
        if (reader is null)
        {
            BoardRules.EnsureUnsealed(State);
            throw new KudosException(
                KudosErrorKind.Forbidden,
                "reaction_needs_own_link",
                "The shared contribution link cannot react; use the personal link from your \u201cdelivered\u201d email or receipt.");
        }

        if (BoardRules.React(State, card, reader, reaction, on))
        {
            try
            {
                await cardStore.UpdateReactionsAsync(Id, card);
            }
            catch
            {
                BoardRules.React(State, card, reader, reaction, !on);
                throw;
            }
        }

        return ToView(card, reader).Reactions;
    }

    /// <summary>
    /// The recipient's thank-you note, once: recorded with an email to the owner and to every contributor who left an
    /// address (invitees who posted, authors who gave one), in one write, then handed off.
    /// </summary>
    public async Task<ThanksView> SendThanksAsync(string recipientKey, string message)
    {
        EnsureKey(recipientKey, State.RecipientKeyHash ?? "");
        var contributors = ContributorAddresses(await CardsAsync());
        var now = time.GetUtcNow();
        BoardRules.Thank(State, message, contributors.Count + 1, now);
        Record(ContributorEmails.ThanksId(Id, State.OwnerEmail), ContributorEmails.Thanks(Id, State, new Mailbox(State.OwnerName, State.OwnerEmail), toOwner: true, State.Thanks!.Message));
        foreach (var to in contributors)
        {
            Record(ContributorEmails.ThanksId(Id, to.Address), ContributorEmails.Thanks(Id, State, to, toOwner: false, State.Thanks.Message));
        }

        await this.ResetOnFailureAsync(board, () => board.WriteStateAsync());
        LogThanked(Id, contributors.Count + 1);
        await HandOffAsync();
        return ThanksView()!;
    }

    /// <summary>
    /// Takes the delivery's outcome and tells the owner. The notice is handed to its dispatch before the one write that
    /// records the outcome: until that write lands the outcome comes again (the board's reminder pulls it, a new activation
    /// of the dispatch repeats it) and the notice's dispatch accepts its id once. A status already taken changes nothing.
    /// </summary>
    public async Task OnDeliveryOutcomeAsync(DispatchView outcome)
    {
        if (State.Delivery?.DispatchId != outcome.Id || State.Delivery.ReportedStatus == outcome.Status)
        {
            return;
        }

        State.Delivery.OutcomeAt ??= time.GetUtcNow();
        State.Delivery.ReportedStatus = outcome.Status;
        if (outcome.Status == DispatchStatus.Bounced)
        {
            State.RecipientAddressInvalid = true;
        }

        if (OwnerNoticeEmail.Compose(Id, State, await CardsAsync(), outcome) is { } notice)
        {
            var dispatchId = OwnerNoticeEmail.DispatchId(Id, outcome.Status);
            Record(dispatchId, notice);
            State.Delivery.NoticeDispatchId = dispatchId;
            (_noticeHandedOffAt, _noticeSettled, _outcomeCheckedAt, _outcomeChecks) = (time.GetUtcNow(), false, null, 0);
            LogOwnerNotified(Id, outcome.Status, dispatchId);
        }

        await HandOffAsync(unwritten: true);
    }

    public async Task OnBackstopReleasedAsync(string dispatchId)
    {
        if (AwaitingNotice && State.Delivery!.NoticeDispatchId == dispatchId)
        {
            await SettleNoticeAsync();
        }
    }

    /// <summary>A tick only arms the wait's timer and returns: the work runs in a turn of its own.</summary>
    public Task ReceiveReminder(string reminderName, TickStatus status) => reminderName switch
    {
        DeliverReminder => Deliver.OnReminderAsync(),
        OutboxReminder => Outbox.OnReminderAsync(),
        RemindInviteesReminder => RemindInvitees.OnReminderAsync(),
        _ => Task.CompletedTask,
    };

    /// <summary>Reminds invitees who have not posted; each reminder has its own dispatch id, so a repeated tick sends nothing twice.</summary>
    private async Task RemindInviteesAsync()
    {
        var now = time.GetUtcNow();
        var toRemind = !InvitationsWait && BoardRules.InviteeReminderAt(State, options.Value.InviteReminderLead) is { } remindAt
                       && now >= remindAt && !BoardRules.IsPostingClosed(State, now)
            ? BoardRules.InviteesToRemind(State, remindAt).ToList()
            : [];
        foreach (var invitee in toRemind)
        {
            Record(InvitationEmail.ReminderId(Id, invitee.Email), InvitationEmail.Compose(Id, State, invitee, reminder: true, emailOptions.Value.UnsubscribeMailbox));
            invitee.RemindedAt = now;
        }

        if (toRemind.Count > 0)
        {
            await board.WriteStateAsync();
        }

        await RemindInvitees.ScheduleAsync();
        await HandOffAsync();
    }

    /// <summary>Adds the invitees and records their invitations in the outbox (the caller writes the state); returns the new ones.</summary>
    private List<InviteeState> Invite(string contributeKey, IReadOnlyList<string> emails)
    {
        var invited = BoardRules.Invite(
            State,
            emails,
            time.GetUtcNow(),
            inviteToken => InvitationEmail.InviteUrl(options.Value.PublicBaseUrl, Id, contributeKey, inviteToken),
            unsubscribeToken => InvitationEmail.UnsubscribeUrl(options.Value.PublicBaseUrl, Id, unsubscribeToken));
        foreach (var (invitee, _, _) in invited)
        {
            Record(InvitationEmail.InvitationId(Id, invitee.Email), InvitationEmail.Compose(Id, State, invitee, reminder: false, emailOptions.Value.UnsubscribeMailbox));
        }

        return [.. invited.Select(i => i.Invitee)];
    }

    /// <summary>A new confirmation link for the owner (the earlier ones stop working); returns its token in clear.</summary>
    private string IssueOwnerConfirmation() =>
        BoardRules.IssueConfirmation(State, time.GetUtcNow(), ownerOptions.Value.ConfirmationLifetime, ownerOptions.Value.Quotas.ConfirmationEmailsPerBoard);

    /// <summary>Records the email carrying the confirmation link in the outbox (the caller writes the state).</summary>
    private void RecordOwnerConfirmation(string token, bool due)
    {
        var url = OwnerConfirmationEmail.ConfirmUrl(options.Value.PublicBaseUrl, Id, token);
        Record(OwnerConfirmationEmail.DispatchId(Id, State.OwnerConfirmation!.EmailsSent), OwnerConfirmationEmail.Compose(Id, State, url, due));
    }

    /// <summary>Moves what waited for the owner to the outbox, once the owner is confirmed and not held.</summary>
    private void ReleaseWaiting()
    {
        if (InvitationsWait || State.Waiting.Count == 0)
        {
            return;
        }

        var now = time.GetUtcNow();
        foreach (var entry in State.Waiting)
        {
            entry.RecordedAt = now;
            State.Outbox.Add(entry);

            // Invited now, when the invitation actually leaves (the reminder counts from here).
            if (entry.Email.EmailType == EmailTypes.Invitation
                && State.Invitees.Find(i => string.Equals(Addresses.Normalize(i.Email), Addresses.Normalize(entry.Email.To[0].Address), StringComparison.Ordinal)) is { } invitee)
            {
                invitee.InvitedAt = now;
            }
        }

        State.Waiting.Clear();
    }

    /// <summary>Moves invitations and reminders not handed off yet from the outbox to wait for the owner.</summary>
    private void HoldInvitations()
    {
        var held = State.Outbox.Where(e => MustWait(e.Email)).ToList();
        State.Outbox.RemoveAll(held.Contains);
        State.Waiting.AddRange(held);
    }

    private bool MustWait(EmailMessage email) => InvitationsWait && email.EmailType is EmailTypes.Invitation or EmailTypes.Reminder or EmailTypes.CardReceipt;

    /// <summary>Puts an email in the outbox, once per dispatch id; the caller writes the state, then calls <see cref="HandOffAsync"/>.</summary>
    private bool Record(string dispatchId, EmailMessage email)
    {
        if (State.Outbox.Exists(e => e.DispatchId == dispatchId) || State.Waiting.Exists(e => e.DispatchId == dispatchId))
        {
            return false;
        }

        (MustWait(email) ? State.Waiting : State.Outbox).Add(new OutboxEntry { DispatchId = dispatchId, Email = email, RecordedAt = time.GetUtcNow() });
        return true;
    }

    /// <summary>
    /// Hands every recorded email to its dispatch grain, which accepts an id once, then drops them from the outbox in one
    /// write. First it makes sure a reminder will tick within a period (the deliver reminder for the delivery email, the
    /// <c>outbox</c> reminder for the others), so a crash part-way leaves the rest to that tick; a failure resets the
    /// grain to its stored state and propagates. Then reminders that are no longer needed go.
    /// The delivery email's hand-off alone is not written: the write that records its outcome stores it, and until then the
    /// deliver reminder stays, so a step from the stored state hands it off again and the dispatch answers with its status.
    /// </summary>
    /// <param name="unwritten">
    /// The caller changed the state without writing it: the change is written here, after the hand-offs (only for a
    /// change whose cause repeats until it is written, see <see cref="OnDeliveryOutcomeAsync"/>).
    /// </param>
    private Task HandOffAsync(bool unwritten = false) => this.ResetOnFailureAsync(board, async () =>
    {
        var write = unwritten;
        var othersWaiting = false;
        if (State.Outbox.Count > 0)
        {
            // After delivery the deliver reminder is the backstop of every email; before, the outbox reminder is, for those
            // other than the delivery.
            if (State.Delivery is not null)
            {
                await Deliver.EnsureAsync(arm: false);
            }

            othersWaiting = OthersWaiting && State.Delivery is null;
            if (othersWaiting)
            {
                await Outbox.ScheduleAsync();
            }

            foreach (var entry in State.Outbox.ToList())
            {
                var accepted = await GrainFactory.GetGrain<IEmailDispatchGrain>(entry.DispatchId).EnqueueAsync(entry.Email);
                State.Outbox.Remove(entry);
                if (State.Delivery is { } delivery && delivery.DispatchId == entry.DispatchId)
                {
                    delivery.HandedOff = true;
                    delivery.HandedOffAt = time.GetUtcNow();
                    write |= !AwaitingOutcome;
                }
                else
                {
                    write = true;
                }

                LogHandedOff(Id, entry.DispatchId, accepted.Status);
            }
        }

        if (write)
        {
            await board.WriteStateAsync();
        }

        if (othersWaiting)
        {
            await Outbox.CancelAsync();
        }

        if (State.Status is BoardStatus.Delivered or BoardStatus.Cancelled or BoardStatus.AwaitingOwnerConfirmation or BoardStatus.HeldEmpty)
        {
            if (!AwaitingOutcome && !AwaitingNotice)
            {
                await Deliver.CancelAsync();
            }

            if (State.Invitees.Count > 0)
            {
                await RemindInvitees.CancelAsync();
            }
        }
    });

    private bool IsNotDelivery(OutboxEntry entry) => entry.DispatchId != State.Delivery?.DispatchId;

    private IReadOnlyList<InviteeView> InviteeViews() =>
        [.. State.Invitees.Select(i => new InviteeView(i.Email, i.InvitedAt, i.PostedAt is not null, i.RemindedAt, InvitationEmail.InvitationId(Id, i.Email)))];

    private static string Mask(string email)
    {
        var at = email.IndexOf('@');
        return at <= 1 ? email : $"{email[0]}***{email[at..]}";
    }

    // On failure the deliver reminder stays registered until the hand-off succeeded: its next tick retries from storage.
    /// <summary>
    /// The due step waits for its turn in the silo's gate (earliest instant first), so a burst of due boards reaches the
    /// database a bounded number at a time; one that waits there still has its reminder. The wait runs interleaved, so the
    /// board keeps answering calls (reminder ticks, the dispatch's report, readers) meanwhile; the step itself is a call to
    /// the board, a turn of its own like any other.
    /// </summary>
    private async Task DueStepAsync(CancellationToken cancellationToken)
    {
        // Waking the delivery's dispatch is a grain call, not database work: it does not queue behind the due boards.
        var onlyWakesDispatch = State.Status != BoardStatus.Scheduled && State.Outbox.Count == 0;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, this.Ending());
        try
        {
            using var turn = onlyWakesDispatch ? null : await dueWork.EnterAsync(State.DeliverAt ?? time.GetUtcNow(), stop.Token);

            // If this activation starts deactivating meanwhile (a failed step's reset, a directory registration lost with a
            // dead silo), the call cannot run before the deactivation has ended, which waits for this timer: stop waiting
            // then; the reminder runs the step on the next activation. Waiting for the call's timeout instead stalled the
            // gate and made deliveries 30 s late when a silo died (P5).
            await this.AsReference<IBoardDueStep>().RunDueStepAsync().WaitAsync(stop.Token);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The activation is ending (or the timer was dropped): the deliver reminder still owns the step.
        }
    }

    // On failure the deliver reminder stays registered until the hand-off succeeded: its next tick retries from storage.
    public Task RunDueStepAsync() => this.ResetOnFailureAsync(board, ReconcileStepsAsync);

    private async Task ReconcileStepsAsync()
    {
        await WarnFewCardsAsync();
        await DeliverAsync(force: false, "reminder");
        if (AwaitingOutcome && State.Outbox.Count == 0)
        {
            await CheckOutcomeAsync();
        }
        else if (AwaitingNotice && State.Outbox.Count == 0)
        {
            await CheckNoticeAsync();
        }

        if (State.Status == BoardStatus.Scheduled && !BoardRules.IsDue(State, time.GetUtcNow()))
        {
            // Restores a reminder lost between a state write and its registration, and arms the timer for a near instant.
            await Deliver.EnsureAsync();
        }
    }

    /// <summary>
    /// At the warning's instant, tells the owner of a thin board (fewer cards than <see cref="KudosOptions.FewCardsThreshold"/>);
    /// either way the instant is marked as checked, and the deliver reminder moves on to the delivery instant.
    /// </summary>
    private async Task WarnFewCardsAsync()
    {
        if (FewCardsWarningAt is not { } warnAt || time.GetUtcNow() < warnAt)
        {
            return;
        }

        var deliverAt = State.DeliverAt!.Value;
        var count = (await CardsAsync()).Count;
        if (count < options.Value.FewCardsThreshold)
        {
            Record(
                OwnerWarningEmail.FewCardsId(Id, deliverAt),
                OwnerWarningEmail.FewCards(Id, State, count, options.Value.FewCardsThreshold, PublicLinks.OwnerPage(options.Value.PublicBaseUrl, Id)));
            LogFewCardsWarned(Id, count, deliverAt);
        }

        State.FewCardsWarnedFor = deliverAt;
        await board.WriteStateAsync();
        await Deliver.ScheduleAsync();
        await HandOffAsync();
    }

    /// <summary>Unlocks when due (or when forced), recording the delivery email in the same write, then hands off.</summary>
    private async Task DeliverAsync(bool force, string trigger)
    {
        var now = time.GetUtcNow();
        if (!force && State.OwnerConfirmation is not null && BoardRules.IsDue(State, now))
        {
            // Sealed until the owner confirms; the owner is told, with a fresh link (unless the board's limit was reached).
            BoardRules.AwaitOwner(State);
            if (State.OwnerConfirmation.EmailsSent < ownerOptions.Value.Quotas.ConfirmationEmailsPerBoard)
            {
                RecordOwnerConfirmation(IssueOwnerConfirmation(), due: true);
            }

            await board.WriteStateAsync();
            LogAwaitingOwner(Id, State.DeliverAt);
        }
        else if (!force && BoardRules.IsDue(State, now) && State.EmptyBoardPolicy == EmptyBoardPolicy.HoldAndAsk && (await CardsAsync()).Count == 0)
        {
            // Nobody wrote: nothing goes to the recipient; the owner is asked (once per instant), and posting stays open.
            BoardRules.HoldEmpty(State);
            Record(OwnerWarningEmail.HeldEmptyId(Id, State.DeliverAt!.Value), OwnerWarningEmail.HeldEmpty(Id, State, PublicLinks.OwnerPage(options.Value.PublicBaseUrl, Id)));
            await board.WriteStateAsync();
            LogHeldEmpty(Id, State.DeliverAt);
        }
        else if (State.Status is BoardStatus.Draft or BoardStatus.Scheduled or BoardStatus.HeldEmpty && (force || BoardRules.IsDue(State, now)))
        {
            using var activity = KudosMetrics.StartDelivery(Id, trigger);
            var cards = await CardsAsync();
            var recipientKey = BoardRules.Unlock(State, now);
            var url = DeliveryEmail.RecipientUrl(options.Value.PublicBaseUrl, Id, recipientKey);
            State.Delivery = new DeliveryState { DispatchId = DeliveryEmail.DispatchId(Id), RecipientUrl = url };
            Record(State.Delivery.DispatchId, DeliveryEmail.Compose(Id, State, cards, url));
            RecordContributorsDelivered(cards);
            await board.WriteStateAsync();
            KudosMetrics.BoardDelivered(State.DeliverAt ?? now, now, trigger);
            var lateness = now - (State.DeliverAt ?? now);
            if (lateness > options.Value.ReminderPeriod)
            {
                LogUnlockedLate(Id, State.DeliverAt, now, lateness);
            }
            else
            {
                LogUnlocked(Id, State.DeliverAt, now);
            }
        }

        await HandOffAsync();
    }

    /// <summary>
    /// The backstop of the delivery's first attempt: waking the dispatch makes it resume a Pending message (its activation
    /// restores its own reminder). Once it has an outcome the backstop ends; the outcome itself is reported by the dispatch
    /// (again after a crash, until it recorded the report), which is what composes the owner's notice. A dispatch already
    /// removed by retention (a board delivered long ago) has nothing left to wait for either.
    /// </summary>
    private async Task CheckOutcomeAsync()
    {
        if (await WakeIfDueAsync(State.Delivery!.DispatchId, State.Delivery.HandedOffAt) is not { } view)
        {
            return;
        }

        if (view.Status is DispatchStatus.Sent or DispatchStatus.Failed or DispatchStatus.Suppressed or DispatchStatus.Held
            or DispatchStatus.Bounced or DispatchStatus.Complained)
        {
            // The dispatch has an outcome the board never received (its report was lost with the board's silo, and the
            // dispatch stayed active, so it does not repeat it): the board takes it as reported, owner's notice included.
            await OnDeliveryOutcomeAsync(view);
            return;
        }

        State.Delivery.OutcomeAt = time.GetUtcNow();
        await board.WriteStateAsync();
        await Deliver.CancelAsync();
    }

    /// <summary>
    /// The backstop of the owner's notice's first attempt (which registers no reminder): like the delivery's, the board wakes
    /// the notice's dispatch until it has finished, then drops the deliver reminder. A dispatch removed by retention (status
    /// None) has finished long ago.
    /// </summary>
    private async Task CheckNoticeAsync()
    {
        if (await WakeIfDueAsync(State.Delivery!.NoticeDispatchId!, _noticeHandedOffAt) is not null)
        {
            await SettleNoticeAsync();
        }
    }

    /// <summary>The notice's first attempt is over: the deliver reminder, its backstop (the outcome is already recorded), goes.</summary>
    private async Task SettleNoticeAsync()
    {
        _noticeSettled = true;
        await Deliver.CancelAsync();
    }

    /// <summary>
    /// Wakes the dispatch the backstop waits for when its check is due (see <see cref="NextCheck"/>) and returns its view;
    /// null when the check is not due yet or the dispatch is still at work (the next check then waits twice as long).
    /// </summary>
    private async Task<DispatchView?> WakeIfDueAsync(string dispatchId, DateTimeOffset? handedOffAt)
    {
        var now = time.GetUtcNow();
        if (NextCheck(handedOffAt) > now)
        {
            return null;
        }

        var view = await GrainFactory.GetGrain<IEmailDispatchGrain>(dispatchId).GetAsync();
        if (view.Status is DispatchStatus.Pending or DispatchStatus.Sending)
        {
            _outcomeCheckedAt = now;
            _outcomeChecks++;
            LogOutcomeAwaited(Id, dispatchId, view.Status);
            return null;
        }

        return view;
    }

    private static DateTimeOffset Later(DateTimeOffset? a, DateTimeOffset? b) =>
        a is { } x && b is { } y ? (x > y ? x : y) : a ?? b ?? DateTimeOffset.MinValue;

    private async Task ScheduleReminderAsync()
    {
        await Deliver.ScheduleAsync();
        await RemindInvitees.ScheduleAsync();
    }

    private async Task<BoardOwnerView> OwnerViewAsync()
    {
        var cards = await CardsAsync();
        DeliveryView? delivery = null;
        if (State.Delivery is { } d)
        {
            var dispatch = d.HandedOff ? await GrainFactory.GetGrain<IEmailDispatchGrain>(d.DispatchId).GetAsync() : null;
            delivery = new DeliveryView(
                d.DispatchId,
                dispatch?.Status ?? DispatchStatus.Pending,
                dispatch?.Attempts ?? 0,
                dispatch?.LastError,
                dispatch?.ServerReply,
                dispatch?.SentAt,
                dispatch?.NextAttemptAt,
                d.RecipientUrl,
                State.RecipientAddressInvalid,
                dispatch?.Opens ?? 0,
                dispatch?.Clicks ?? 0);
        }

        return new BoardOwnerView(
            Id,
            State.Title,
            State.RecipientName,
            State.RecipientEmail,
            State.OwnerName,
            State.OwnerEmail,
            State.Status,
            State.DeliverAt,
            State.TimeZone,
            cards.Count,
            [.. cards.Select(c => c.AuthorName).Distinct(StringComparer.Ordinal)],
            State.CreatedAt,
            State.DeliveredAt,
            delivery,
            [.. cards.OrderBy(c => c.CreatedAt).Select(c => new CardSummary(c.Id, c.AuthorName, c.CreatedAt))],
            InviteeViews(),
            State.OwnerConfirmation is not null,
            State.InvitationsHeld,
            State.Waiting.Count,
            State.NoteToRecipient,
            State.EmptyBoardPolicy,
            options.Value.FewCardsThreshold,
            ThanksView());
    }

    private async Task<List<CardState>> CardsAsync() => _cards ??= await cardStore.ReadAsync(Id);

    private async Task<CardState> FindCardAsync(Guid cardId, string cardKey)
    {
        var card = State.Status == BoardStatus.None ? null : (await CardsAsync()).Find(c => c.Id == cardId);
        return card is not null && CapabilityKeys.Matches(cardKey, card.KeyHash) ? card : throw KudosException.NotFound("card");
    }

    /// <summary>
    /// Whose key <paramref name="presented"/> is — the owner's (or their credential), the contributors', the recipient's, or
    /// a contributor's own reader key — and the reader id their reactions are recorded under (none for the shared
    /// contribution key); anything else is answered as an unknown board.
    /// </summary>
    private async Task<(BoardViewer Viewer, string? Reader)> ViewerAsync(string presented) =>
        await ViewerOrNullAsync(presented) ?? throw KudosException.NotFound("board");

    /// <summary>Every stored key hash is compared (no early exit); the owner's credential is looked up only when none matched.</summary>
    private async Task<(BoardViewer Viewer, string? Reader)?> ViewerOrNullAsync(string presented)
    {
        if (State.Status == BoardStatus.None)
        {
            return null;
        }

        var owner = CapabilityKeys.Matches(presented, State.OwnerKeyHash);
        var contributor = CapabilityKeys.Matches(presented, State.ContributeKeyHash);
        var recipient = CapabilityKeys.Matches(presented, State.RecipientKeyHash);
        var readerIndex = -1;
        for (var i = 0; i < State.ReaderKeyHashes.Count; i++)
        {
            if (CapabilityKeys.Matches(presented, State.ReaderKeyHashes[i]))
            {
                readerIndex = i;
            }
        }

        return recipient ? (BoardViewer.Recipient, RecipientReader)
            : owner ? (BoardViewer.Owner, OwnerReader)
            : contributor ? (BoardViewer.Contributor, null)
            : readerIndex >= 0 ? (BoardViewer.Reader, $"reader:{readerIndex}")
            : await IsOwnerCredentialAsync(presented) ? (BoardViewer.Owner, OwnerReader)
            : null;
    }

    private const string RecipientReader = "recipient";
    private const string OwnerReader = "owner";

    /// <summary>
    /// The contributors who left an address — invitees who posted and authors who gave one — once each (by normalized
    /// address), without the owner (who hears as the owner) and the recipient.
    /// </summary>
    private List<Mailbox> ContributorAddresses(IReadOnlyCollection<CardState> cards)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal) { Addresses.Normalize(State.OwnerEmail), Addresses.Normalize(State.RecipientEmail) };
        var addresses = new List<Mailbox>();
        foreach (var (name, email) in cards.Where(c => c.AuthorEmail is not null).OrderBy(c => c.CreatedAt).Select(c => (c.AuthorName, c.AuthorEmail!))
                     .Concat(State.Invitees.Where(i => i.PostedAt is not null).Select(i => ("", i.Email))))
        {
            if (seen.Add(Addresses.Normalize(email)))
            {
                addresses.Add(new Mailbox(name, email));
            }
        }

        return addresses;
    }

    /// <summary>
    /// At delivery: each contributor who left an address gets a key of their own to the board (stored hashed) in a
    /// "delivered" email, recorded with the delivery's write.
    /// </summary>
    private void RecordContributorsDelivered(IReadOnlyCollection<CardState> cards)
    {
        var writers = Words.Writers(cards);
        foreach (var to in ContributorAddresses(cards))
        {
            var readerKey = CapabilityKeys.New();
            State.ReaderKeyHashes.Add(CapabilityKeys.Hash(readerKey));
            var url = DeliveryEmail.RecipientUrl(options.Value.PublicBaseUrl, Id, readerKey);
            Record(ContributorEmails.DeliveredId(Id, to.Address), ContributorEmails.Delivered(Id, State, to, cards.Count, writers, url));
        }
    }

    private ThanksView? ThanksView() => State.Thanks is { } thanks ? new ThanksView(thanks.Message, thanks.SentAt, thanks.Recipients) : null;

    private static CardImageView ToView(CardImageState image) => new(image.Id, image.ContentType, image.Width, image.Height, image.Length);

    /// <summary>The board's owner key or the owner's credential; anything else is answered as an unknown board.</summary>
    private async Task EnsureOwnerAsync(string presented)
    {
        if (!await IsOwnerAsync(presented))
        {
            throw KudosException.NotFound("board");
        }
    }

    private async Task<bool> IsOwnerAsync(string presented) =>
        State.Status != BoardStatus.None && (CapabilityKeys.Matches(presented, State.OwnerKeyHash) || await IsOwnerCredentialAsync(presented));

    /// <summary>Whether <paramref name="presented"/> is a live credential of this board's owner address (looked up by its hash).</summary>
    private async Task<bool> IsOwnerCredentialAsync(string? presented) =>
        await OwnerCredentials.OwnerOfAsync(GrainFactory, presented) is { } address
        && string.Equals(address, Addresses.Normalize(State.OwnerEmail), StringComparison.Ordinal);

    /// <summary>
    /// For a new board: whether its owner counts as confirmed — confirmation is off, or a credential of the owner's address
    /// was presented. A credential that is not one (unknown, revoked, another address) is refused rather than ignored.
    /// </summary>
    private async Task<bool> IsOwnerConfirmedAsync(string? ownerCredential)
    {
        if (string.IsNullOrEmpty(ownerCredential))
        {
            return !ownerOptions.Value.RequireConfirmation;
        }

        return await IsOwnerCredentialAsync(ownerCredential)
            ? true
            : throw new KudosException(
                KudosErrorKind.Unauthorized,
                "owner_credential_invalid",
                "The bearer credential is not a valid owner credential for ownerEmail (unknown, revoked, or issued to another address). "
                + "Send the request without it to have a confirmation link emailed to the owner.",
                "Authorization");
    }

    private void EnsureKey(string presented, string storedHash)
    {
        if (State.Status == BoardStatus.None || !CapabilityKeys.Matches(presented, storedHash))
        {
            throw KudosException.NotFound("board");
        }
    }

    /// <summary>A card for a reader: <paramref name="reader"/> is who asks, for their own reactions ("recipient", "owner", "reader:n"), or null.</summary>
    private static CardView ToView(CardState card, string? reader = null) => new(
        card.Id,
        card.AuthorName,
        card.Message,
        card.CreatedAt,
        card.EditedAt,
        [.. card.Images.Select(ToView)],
        [.. Reactions.Names.Select(name => new ReactionCount(
            name,
            card.Reactions.Count(r => r.Reaction == name),
            reader is not null && card.Reactions.Exists(r => r.Reaction == name && r.By == reader))).Where(r => r.Count > 0)]);
}
