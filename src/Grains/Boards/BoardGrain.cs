using Kudos.Grains.Email;
using Kudos.Grains.Security;
using Kudos.Grains.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Kudos.Grains.Boards;

/// <summary>
/// A board. It seals its cards until the delivery instant, which a durable <c>deliver</c> reminder marks. The tick that
/// finds the board due unlocks it and records the delivery email in one state write, hands the email to its
/// <see cref="IEmailDispatchGrain"/>, and only then removes the reminder: every step is idempotent, so duplicate ticks,
/// crashes between steps and reactivations all converge on exactly one hand-off.
/// </summary>
public sealed partial class BoardGrain(
    [PersistentState("board", StorageNames.Kudos)] IPersistentState<BoardState> board,
    TimeProvider time,
    IOptions<KudosOptions> options,
    IOptions<EmailOptions> emailOptions,
    ILogger<BoardGrain> logger) : Grain, IBoardGrain, IRemindable
{
    private const string DeliverReminder = "deliver";
    private const string RemindInviteesReminder = "remind-invitees";

    private BoardState State => board.State;

    private Guid Id => this.GetPrimaryKey();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // Reconcile a board that is due but not delivered (or delivered but not handed off) without waiting for the next
        // reminder tick, and restore a reminder lost between a state write and its registration.
        if (State.Status is BoardStatus.Scheduled || State.Delivery is { HandedOff: false })
        {
            this.RegisterGrainTimer(ReconcileAsync, new GrainTimerCreationOptions(TimeSpan.Zero, Timeout.InfiniteTimeSpan));
        }

        return Task.CompletedTask;
    }

    public async Task<BoardCreated> CreateAsync(CreateBoard command)
    {
        var (ownerKey, contributeKey) = BoardRules.Create(State, command, time.GetUtcNow());
        var invited = command.ContributorEmails is { Count: > 0 } emails ? Invite(contributeKey, emails) : [];
        await board.WriteStateAsync();
        if (State.Status == BoardStatus.Scheduled)
        {
            await ScheduleReminderAsync();
            KudosMetrics.BoardScheduled();
        }

        await SendInvitationsAsync(invited);

        LogCreated(Id, State.Status, State.DeliverAt);
        return new BoardCreated(Id, ownerKey, contributeKey, State.Status, State.DeliverAt);
    }

    public async Task<BoardOwnerView> GetOwnerViewAsync(string ownerKey)
    {
        EnsureKey(ownerKey, State.OwnerKeyHash);
        return await OwnerViewAsync();
    }

    public async Task<BoardOwnerView> UpdateAsync(string ownerKey, UpdateBoard command)
    {
        EnsureKey(ownerKey, State.OwnerKeyHash);
        var moved = BoardRules.Update(State, command, time.GetUtcNow());
        await board.WriteStateAsync();
        if (moved)
        {
            await ScheduleReminderAsync();
            KudosMetrics.BoardScheduled();
            LogRescheduled(Id, State.DeliverAt);
        }

        return await OwnerViewAsync();
    }

    public async Task<BoardOwnerView> DeliverNowAsync(string ownerKey)
    {
        EnsureKey(ownerKey, State.OwnerKeyHash);
        BoardRules.EnsureNotFinal(State);
        await DeliverAsync(force: true, "now");
        return await OwnerViewAsync();
    }

    public async Task CancelAsync(string ownerKey)
    {
        EnsureKey(ownerKey, State.OwnerKeyHash);
        BoardRules.Cancel(State, time.GetUtcNow());
        await board.WriteStateAsync();
        await RemoveReminderAsync();
        await RemoveReminderAsync(RemindInviteesReminder);
        LogCancelled(Id);
    }

    public async Task<IReadOnlyList<InviteeView>> InviteAsync(string ownerKey, string contributeKey, IReadOnlyList<string> emails)
    {
        EnsureKey(ownerKey, State.OwnerKeyHash);
        if (!CapabilityKeys.Matches(contributeKey, State.ContributeKeyHash))
        {
            throw KudosException.Invalid("contributeKey", "'contributeKey' must be this board's contribution key (it goes into the invitations' links).");
        }

        if (emails.Count is 0 or > BoardLimits.MaxInvitees)
        {
            throw KudosException.Invalid("emails", $"'emails' must list 1 to {BoardLimits.MaxInvitees} addresses.");
        }

        var invited = Invite(contributeKey, emails);
        await board.WriteStateAsync();
        if (State.Status == BoardStatus.Scheduled)
        {
            await ScheduleReminderAsync();
        }

        await SendInvitationsAsync(invited);
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

    public Task<BoardSummary> GetSummaryAsync(string key)
    {
        EnsureAnyKey(key);
        return Task.FromResult(new BoardSummary(Id, State.Title, State.RecipientName, State.Status, State.DeliverAt, State.TimeZone, State.Cards.Count));
    }

    public async Task<CardCreated> AddCardAsync(string contributeKey, NewCard card)
    {
        EnsureKey(contributeKey, State.ContributeKeyHash);
        var (added, cardKey) = BoardRules.AddCard(State, card, time.GetUtcNow());
        await board.WriteStateAsync();
        return new CardCreated(added.Id, cardKey);
    }

    public Task<CardView> GetCardAsync(Guid cardId, string cardKey) => Task.FromResult(ToView(FindCard(cardId, cardKey)));

    public async Task<CardView> EditCardAsync(Guid cardId, string cardKey, string message)
    {
        var card = FindCard(cardId, cardKey);
        BoardRules.EditCard(State, card, message, time.GetUtcNow());
        await board.WriteStateAsync();
        return ToView(card);
    }

    public async Task RemoveCardAsync(Guid cardId, string key)
    {
        var card = State.Status == BoardStatus.None ? null : State.Cards.Find(c => c.Id == cardId);
        if (card is null || !(CapabilityKeys.Matches(key, card.KeyHash) || CapabilityKeys.Matches(key, State.OwnerKeyHash)))
        {
            throw KudosException.NotFound("card");
        }

        BoardRules.RemoveCard(State, card, time.GetUtcNow());
        await board.WriteStateAsync();
    }

    public Task<IReadOnlyList<CardView>> GetCardsAsync(string key)
    {
        EnsureAnyKey(key);

        BoardRules.EnsureUnsealed(State);
        IReadOnlyList<CardView> cards = [.. State.Cards.OrderBy(c => c.CreatedAt).Select(ToView)];
        return Task.FromResult(cards);
    }

    public async Task OnDeliveryOutcomeAsync(DispatchView outcome)
    {
        if (State.Delivery?.DispatchId != outcome.Id)
        {
            return;
        }

        if (outcome.Status == DispatchStatus.Bounced && !State.RecipientAddressInvalid)
        {
            State.RecipientAddressInvalid = true;
            await board.WriteStateAsync();
        }

        if (OwnerNoticeEmail.Compose(Id, State, outcome) is not { } notice)
        {
            return;
        }

        var dispatchId = OwnerNoticeEmail.DispatchId(Id, outcome.Status);
        var sent = await GrainFactory.GetGrain<IEmailDispatchGrain>(dispatchId).EnqueueAsync(notice);
        LogOwnerNotified(Id, outcome.Status, dispatchId, sent.Status);
    }

    public Task ReceiveReminder(string reminderName, TickStatus status) => reminderName switch
    {
        DeliverReminder => ReconcileAsync(CancellationToken.None),
        RemindInviteesReminder => RemindInviteesAsync(),
        _ => Task.CompletedTask,
    };

    /// <summary>Reminds invitees who have not posted; each reminder has its own dispatch id, so a repeated tick sends nothing twice.</summary>
    private async Task RemindInviteesAsync()
    {
        var now = time.GetUtcNow();
        if (State.Status == BoardStatus.Scheduled && !BoardRules.IsPostingClosed(State, now))
        {
            var unsubscribeMailbox = emailOptions.Value.UnsubscribeMailbox;
            foreach (var invitee in BoardRules.InviteesToRemind(State).ToList())
            {
                var message = InvitationEmail.Compose(Id, State, invitee, reminder: true, unsubscribeMailbox);
                await GrainFactory.GetGrain<IEmailDispatchGrain>(InvitationEmail.ReminderId(Id, invitee.Email)).EnqueueAsync(message);
                invitee.RemindedAt = now;
            }

            await board.WriteStateAsync();
        }

        await RemoveReminderAsync(RemindInviteesReminder);
    }

    private IReadOnlyList<(InviteeState Invitee, string InviteToken, string UnsubscribeToken)> Invite(string contributeKey, IReadOnlyList<string> emails) =>
        BoardRules.Invite(
            State,
            emails,
            time.GetUtcNow(),
            inviteToken => InvitationEmail.InviteUrl(options.Value.PublicBaseUrl, Id, contributeKey, inviteToken),
            unsubscribeToken => InvitationEmail.UnsubscribeUrl(options.Value.PublicBaseUrl, Id, unsubscribeToken));

    private async Task SendInvitationsAsync(IReadOnlyList<(InviteeState Invitee, string InviteToken, string UnsubscribeToken)> invited)
    {
        var unsubscribeMailbox = emailOptions.Value.UnsubscribeMailbox;
        foreach (var (invitee, _, _) in invited)
        {
            var message = InvitationEmail.Compose(Id, State, invitee, reminder: false, unsubscribeMailbox);
            await GrainFactory.GetGrain<IEmailDispatchGrain>(InvitationEmail.InvitationId(Id, invitee.Email)).EnqueueAsync(message);
        }
    }

    private IReadOnlyList<InviteeView> InviteeViews() =>
        [.. State.Invitees.Select(i => new InviteeView(i.Email, i.InvitedAt, i.PostedAt is not null, i.RemindedAt, InvitationEmail.InvitationId(Id, i.Email)))];

    private static string Mask(string email)
    {
        var at = email.IndexOf('@');
        return at <= 1 ? email : $"{email[0]}***{email[at..]}";
    }

    // On failure the deliver reminder stays registered until the hand-off succeeded: its next tick retries from storage.
    private Task ReconcileAsync(CancellationToken cancellationToken) => this.ResetOnFailureAsync(board, ReconcileStepsAsync);

    private async Task ReconcileStepsAsync()
    {
        await DeliverAsync(force: false, "reminder");
        if (State.Status == BoardStatus.Scheduled && !BoardRules.IsDue(State, time.GetUtcNow()))
        {
            if (await this.GetReminder(DeliverReminder) is null)
            {
                await ScheduleReminderAsync();
            }
            else if (State.DeliverAt!.Value - time.GetUtcNow() is var remaining && remaining < options.Value.ReminderPeriod)
            {
                // Woken a few milliseconds early by the one-shot timer: wait for the rest, not for the next period.
                this.RegisterGrainTimer(ReconcileAsync, new GrainTimerCreationOptions(remaining, Timeout.InfiniteTimeSpan));
            }
        }
    }

    /// <summary>Unlocks when due (or when forced), then hands off; both steps are skipped when already done.</summary>
    private async Task DeliverAsync(bool force, string trigger)
    {
        var now = time.GetUtcNow();
        if (State.Status is BoardStatus.Draft or BoardStatus.Scheduled && (force || BoardRules.IsDue(State, now)))
        {
            using var activity = KudosMetrics.StartDelivery(Id, trigger);
            var recipientKey = BoardRules.Unlock(State, now);
            var url = DeliveryEmail.RecipientUrl(options.Value.PublicBaseUrl, Id, recipientKey);
            State.Delivery = new DeliveryState
            {
                DispatchId = DeliveryEmail.DispatchId(Id),
                RecipientUrl = url,
                Email = DeliveryEmail.Compose(Id, State, url),
            };
            await board.WriteStateAsync();
            KudosMetrics.BoardDelivered(State.DeliverAt ?? now, now, trigger);
            LogUnlocked(Id, State.DeliverAt, now);
        }

        if (State.Delivery is { HandedOff: false, Email: { } email } delivery)
        {
            var dispatch = await GrainFactory.GetGrain<IEmailDispatchGrain>(delivery.DispatchId).EnqueueAsync(email);
            delivery.HandedOff = true;
            delivery.HandedOffAt = time.GetUtcNow();
            delivery.Email = null;
            await board.WriteStateAsync();
            LogHandedOff(Id, delivery.DispatchId, dispatch.Status);
        }

        if (State.Status is BoardStatus.Delivered or BoardStatus.Cancelled or BoardStatus.None)
        {
            await RemoveReminderAsync();
            await RemoveReminderAsync(RemindInviteesReminder);
        }
    }

    private async Task ScheduleReminderAsync()
    {
        // dueTime is relative and fixed when the call arrives: compute it immediately before registering.
        var period = options.Value.ReminderPeriod;
        var dueTime = State.DeliverAt!.Value - time.GetUtcNow();
        await this.RegisterOrUpdateReminder(DeliverReminder, dueTime > TimeSpan.Zero ? dueTime : TimeSpan.Zero, period);
        if (dueTime < period)
        {
            // A reminder due within moments fires only at the next period boundary: a one-shot timer keeps it punctual.
            this.RegisterGrainTimer(ReconcileAsync, new GrainTimerCreationOptions(dueTime > TimeSpan.Zero ? dueTime : TimeSpan.Zero, Timeout.InfiniteTimeSpan));
        }

        // The invitees' reminder, a set time before delivery, only while someone invited has not posted yet.
        var remindIn = State.DeliverAt!.Value - options.Value.InviteReminderLead - time.GetUtcNow();
        if (BoardRules.InviteesToRemind(State).Any() && remindIn > TimeSpan.Zero)
        {
            await this.RegisterOrUpdateReminder(RemindInviteesReminder, remindIn, period);
        }
        else
        {
            await RemoveReminderAsync(RemindInviteesReminder);
        }
    }

    private async Task RemoveReminderAsync(string name = DeliverReminder)
    {
        if (await this.GetReminder(name) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    private async Task<BoardOwnerView> OwnerViewAsync()
    {
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
            State.Cards.Count,
            [.. State.Cards.Select(c => c.AuthorName).Distinct(StringComparer.Ordinal)],
            State.CreatedAt,
            State.DeliveredAt,
            delivery,
            [.. State.Cards.OrderBy(c => c.CreatedAt).Select(c => new CardSummary(c.Id, c.AuthorName, c.CreatedAt))],
            InviteeViews());
    }

    private CardState FindCard(Guid cardId, string cardKey)
    {
        var card = State.Status == BoardStatus.None ? null : State.Cards.Find(c => c.Id == cardId);
        return card is not null && CapabilityKeys.Matches(cardKey, card.KeyHash) ? card : throw KudosException.NotFound("card");
    }

    /// <summary>The owner's, the contributors' or the recipient's key; each is compared, without an early exit.</summary>
    private void EnsureAnyKey(string presented)
    {
        if (State.Status == BoardStatus.None
            || !(CapabilityKeys.Matches(presented, State.OwnerKeyHash)
                 | CapabilityKeys.Matches(presented, State.ContributeKeyHash)
                 | CapabilityKeys.Matches(presented, State.RecipientKeyHash)))
        {
            throw KudosException.NotFound("board");
        }
    }

    private void EnsureKey(string presented, string storedHash)
    {
        if (State.Status == BoardStatus.None || !CapabilityKeys.Matches(presented, storedHash))
        {
            throw KudosException.NotFound("board");
        }
    }

    private static CardView ToView(CardState card) => new(card.Id, card.AuthorName, card.Message, card.CreatedAt, card.EditedAt);
}
