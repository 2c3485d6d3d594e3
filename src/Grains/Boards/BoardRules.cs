using Kudos.Grains.Security;

namespace Kudos.Grains.Boards;

/// <summary>
/// The rules of a board, free of Orleans so unit tests can exercise them: sealing, the posting window and the allowed
/// transitions. Each operation validates, then changes <see cref="BoardState"/> in memory; the grain persists it.
/// </summary>
public static class BoardRules
{
    /// <summary>The operator's defaults a board's rules need (from <c>Kudos</c> options).</summary>
    public sealed record BoardDefaults(EmptyBoardPolicy EmptyBoardPolicy, TimeSpan FewCardsWarningLead)
    {
        public static readonly BoardDefaults Product = new(EmptyBoardPolicy.HoldAndAsk, TimeSpan.FromHours(48));
    }

    /// <summary>Validates and applies a new board; <paramref name="keys"/> are the owner and contribution keys when the API derived them.</summary>
    public static (string OwnerKey, string ContributeKey) Create(
        BoardState state, CreateBoard command, DateTimeOffset now, IReadOnlyList<string>? keys = null, BoardDefaults? defaults = null)
    {
        defaults ??= BoardDefaults.Product;
        if (state.Status != BoardStatus.None)
        {
            throw KudosException.Conflict("board_exists", "A board with this id already exists.");
        }

        var title = InputRules.Text(command.Title, "title", BoardLimits.MaxTitleLength);
        var recipientName = InputRules.Text(command.RecipientName, "recipientName", BoardLimits.MaxNameLength);
        var recipientEmail = InputRules.Email(command.RecipientEmail, "recipientEmail");
        var ownerName = InputRules.Text(command.OwnerName, "ownerName", BoardLimits.MaxNameLength);
        var ownerEmail = InputRules.Email(command.OwnerEmail, "ownerEmail");
        var timeZone = InputRules.TimeZone(command.TimeZone);
        DateTimeOffset? deliverAt = command.DeliverAt is { } at ? InputRules.DeliverAt(at, now) : null;
        var note = InputRules.OptionalText(command.NoteToRecipient, "noteToRecipient", BoardLimits.MaxNoteLength, multiline: true);
        var policy = InputRules.Policy(command.EmptyBoardPolicy) ?? defaults.EmptyBoardPolicy;
        var invitees = command.ContributorEmails ?? [];
        if (invitees.Count > BoardLimits.MaxInvitees)
        {
            throw KudosException.Invalid("contributorEmails", $"A board can invite at most {BoardLimits.MaxInvitees} contributors.");
        }

        foreach (var email in invitees)
        {
            InputRules.Email(email, "contributorEmails");
        }

        var ownerKey = keys is [var derivedOwner, _] ? derivedOwner : CapabilityKeys.New();
        var contributeKey = keys is [_, var derivedContribute] ? derivedContribute : CapabilityKeys.New();
        state.Title = title;
        state.RecipientName = recipientName;
        state.RecipientEmail = recipientEmail;
        state.OwnerName = ownerName;
        state.OwnerEmail = ownerEmail;
        state.TimeZone = timeZone;
        state.DeliverAt = deliverAt;
        state.Status = deliverAt is null ? BoardStatus.Draft : BoardStatus.Scheduled;
        state.CreatedAt = now;
        state.NoteToRecipient = note;
        state.EmptyBoardPolicy = policy;
        SkipLateFewCardsWarning(state, now, defaults.FewCardsWarningLead);
        state.OwnerKeyHash = CapabilityKeys.Hash(ownerKey);
        state.ContributeKeyHash = CapabilityKeys.Hash(contributeKey);
        return (ownerKey, contributeKey);
    }

    /// <summary>Applies an owner's update; returns whether the delivery instant changed (the reminder must move).</summary>
    public static bool Update(BoardState state, UpdateBoard command, DateTimeOffset now, BoardDefaults? defaults = null)
    {
        defaults ??= BoardDefaults.Product;
        EnsureNotFinal(state);
        var title = command.Title is null ? state.Title : InputRules.Text(command.Title, "title", BoardLimits.MaxTitleLength);
        var recipientName = command.RecipientName is null
            ? state.RecipientName
            : InputRules.Text(command.RecipientName, "recipientName", BoardLimits.MaxNameLength);
        var recipientEmail = command.RecipientEmail is null ? state.RecipientEmail : InputRules.Email(command.RecipientEmail, "recipientEmail");
        var timeZone = command.TimeZone is null ? state.TimeZone : InputRules.TimeZone(command.TimeZone);
        var deliverAt = command.DeliverAt is { } at ? InputRules.DeliverAt(at, now) : state.DeliverAt;

        // An empty note removes it.
        var note = command.NoteToRecipient is null
            ? state.NoteToRecipient
            : InputRules.OptionalText(command.NoteToRecipient, "noteToRecipient", BoardLimits.MaxNoteLength, multiline: true);
        var policy = InputRules.Policy(command.EmptyBoardPolicy) ?? state.EmptyBoardPolicy;
        if (command.DeliverAt is null && state.Status == BoardStatus.AwaitingOwnerConfirmation)
        {
            EnsureOwnerConfirmed(state);
        }

        if (command.DeliverAt is null && IsPostingClosed(state, now))
        {
            throw KudosException.Conflict("delivery_due", "The delivery instant has passed; the board is being delivered.");
        }

        var moved = deliverAt != state.DeliverAt;
        state.Title = title;
        state.RecipientName = recipientName;
        state.RecipientEmail = recipientEmail;
        state.TimeZone = timeZone;
        state.DeliverAt = deliverAt;
        state.NoteToRecipient = note;
        state.EmptyBoardPolicy = policy;
        if (deliverAt is not null && (moved || state.Status != BoardStatus.HeldEmpty))
        {
            state.Status = BoardStatus.Scheduled;
        }

        if (moved)
        {
            SkipLateFewCardsWarning(state, now, defaults.FewCardsWarningLead);
        }

        return moved;
    }

    /// <summary>Cancels a board that has not been delivered.</summary>
    public static void Cancel(BoardState state, DateTimeOffset now)
    {
        EnsureNotFinal(state);
        state.Status = BoardStatus.Cancelled;
        state.CancelledAt = now;
    }

    /// <summary>Whether the board must be unlocked now: scheduled and its instant reached.</summary>
    public static bool IsDue(BoardState state, DateTimeOffset now) =>
        state.Status == BoardStatus.Scheduled && state.DeliverAt is { } at && now >= at;

    /// <summary>Unlocks the board (all cards become readable); returns the recipient key in clear.</summary>
    public static string Unlock(BoardState state, DateTimeOffset now)
    {
        EnsureNotFinal(state);
        var recipientKey = CapabilityKeys.New();
        state.Status = BoardStatus.Delivered;
        state.DeliveredAt = now;
        state.RecipientKeyHash = CapabilityKeys.Hash(recipientKey);
        return recipientKey;
    }

    /// <summary>
    /// A new card for a board that holds <paramref name="cards"/> (the caller stores it); <paramref name="identity"/> is its id
    /// and key when the API derived them from an Idempotency-Key. <c>InviteeFirstPost</c>: an invitee's first card was
    /// recorded in <paramref name="state"/>, which then needs writing.
    /// </summary>
    public static (CardState Card, string CardKey, bool InviteeFirstPost) AddCard(
        BoardState state,
        IReadOnlyCollection<CardState> cards,
        NewCard card,
        DateTimeOffset now,
        (Guid Id, string Key)? identity = null)
    {
        EnsurePostingOpen(state, now);
        var authorName = InputRules.Text(card.AuthorName, "authorName", BoardLimits.MaxNameLength);
        var message = InputRules.Text(card.Message, "message", BoardLimits.MaxMessageLength, multiline: true);
        var authorEmail = string.IsNullOrWhiteSpace(card.AuthorEmail) ? null : InputRules.Email(card.AuthorEmail, "authorEmail");
        if (cards.Count >= BoardLimits.MaxCardsPerBoard)
        {
            throw KudosException.Conflict("board_full", $"A board holds at most {BoardLimits.MaxCardsPerBoard} cards.");
        }

        var firstPost = false;
        if (card.InviteToken is { } token && state.Invitees.Find(i => CapabilityKeys.Matches(token, i.InviteTokenHash)) is { PostedAt: null } invitee)
        {
            invitee.PostedAt = now;
            firstPost = true;
        }

        var cardKey = identity?.Key ?? CapabilityKeys.New();
        var added = new CardState
        {
            Id = identity?.Id ?? Guid.NewGuid(),
            AuthorName = authorName,
            Message = message,
            KeyHash = CapabilityKeys.Hash(cardKey),
            CreatedAt = now,
            AuthorEmail = authorEmail,
        };
        return (added, cardKey, firstPost);
    }

    /// <summary>
    /// Adds invitees (validated, de-duplicated, at most <see cref="BoardLimits.MaxInvitees"/>); returns the new ones with
    /// their tokens in clear, which go into their links.
    /// </summary>
    public static IReadOnlyList<(InviteeState Invitee, string InviteToken, string UnsubscribeToken)> Invite(
        BoardState state, IReadOnlyList<string> emails, DateTimeOffset now, Func<string, string> inviteUrl, Func<string, string> unsubscribeUrl)
    {
        EnsurePostingOpen(state, now);
        var known = state.Invitees.Select(i => Email.Addresses.Normalize(i.Email)).ToHashSet(StringComparer.Ordinal);
        var fresh = new List<(InviteeState, string, string)>();
        foreach (var raw in emails)
        {
            var email = InputRules.Email(raw, "contributorEmails");
            if (!known.Add(Email.Addresses.Normalize(email)))
            {
                continue;
            }

            if (state.Invitees.Count + fresh.Count >= BoardLimits.MaxInvitees)
            {
                throw KudosException.Invalid("contributorEmails", $"A board can invite at most {BoardLimits.MaxInvitees} contributors.");
            }

            var inviteToken = CapabilityKeys.New();
            var unsubscribeToken = CapabilityKeys.New();
            fresh.Add((new InviteeState
            {
                Email = email,
                InviteTokenHash = CapabilityKeys.Hash(inviteToken),
                UnsubscribeTokenHash = CapabilityKeys.Hash(unsubscribeToken),
                InviteUrl = inviteUrl(inviteToken),
                UnsubscribeUrl = unsubscribeUrl(unsubscribeToken),
                InvitedAt = now,
            }, inviteToken, unsubscribeToken));
        }

        state.Invitees.AddRange(fresh.Select(f => f.Item1));
        return fresh;
    }

    /// <summary>
    /// When invitees who have not posted are reminded: <paramref name="lead"/> before delivery, if someone invited before
    /// that instant has neither posted nor been reminded; null otherwise (and for drafts).
    /// </summary>
    public static DateTimeOffset? InviteeReminderAt(BoardState state, TimeSpan lead) =>
        state.Status == BoardStatus.Scheduled && state.DeliverAt is { } at && InviteesToRemind(state, at - lead).Any() ? at - lead : null;

    /// <summary>The invitees the reminder at <paramref name="remindAt"/> is for: invited before it, not posted, not reminded yet.</summary>
    public static IEnumerable<InviteeState> InviteesToRemind(BoardState state, DateTimeOffset remindAt) =>
        state.Invitees.Where(i => i.PostedAt is null && i.RemindedAt is null && i.InvitedAt < remindAt);

    /// <summary>Changes a card's message while posting is open.</summary>
    public static void EditCard(BoardState state, CardState card, string message, DateTimeOffset now)
    {
        EnsurePostingOpen(state, now);
        card.Message = InputRules.Text(message, "message", BoardLimits.MaxMessageLength, multiline: true);
        card.EditedAt = now;
    }

    /// <summary>Allows removing a card: only before delivery, while posting is open.</summary>
    public static void RemoveCard(BoardState state, DateTimeOffset now) => EnsurePostingOpen(state, now);

    /// <summary>
    /// A new confirmation link for the owner's address, replacing any earlier one; returns the token in clear (it goes into
    /// the email). A board sends at most <paramref name="maxEmails"/> of them.
    /// </summary>
    public static string IssueConfirmation(BoardState state, DateTimeOffset now, TimeSpan lifetime, int maxEmails)
    {
        EnsureConfirmationEmailAllowed(state, maxEmails);
        var sent = state.OwnerConfirmation?.EmailsSent ?? 0;
        var token = CapabilityKeys.New();
        state.OwnerConfirmation = new OwnerConfirmationState { TokenHash = CapabilityKeys.Hash(token), ExpiresAt = now + lifetime, EmailsSent = sent + 1 };
        return token;
    }

    /// <summary>Refuses one more confirmation email once a board has sent <paramref name="maxEmails"/>.</summary>
    public static void EnsureConfirmationEmailAllowed(BoardState state, int maxEmails)
    {
        if ((state.OwnerConfirmation?.EmailsSent ?? 0) >= maxEmails)
        {
            throw KudosException.Conflict(
                "quota_confirmation_emails",
                $"This board has sent {maxEmails} confirmation emails, its limit; use the newest one, or create the board again.");
        }
    }

    /// <summary>
    /// Confirms the owner's address with the newest link's token: single use, until it expires. A board whose instant
    /// passed meanwhile becomes Scheduled again, due at once.
    /// </summary>
    public static void ConfirmOwner(BoardState state, string token, DateTimeOffset now)
    {
        if (state.Status != BoardStatus.None && state.OwnerConfirmation is null && CapabilityKeys.Matches(token, state.ConfirmedTokenHash))
        {
            throw KudosException.Conflict("owner_already_confirmed", "This link was already used: the address is confirmed. Open the board from the browser that confirmed it.");
        }

        if (state.Status == BoardStatus.None || state.OwnerConfirmation is not { } pending || !CapabilityKeys.Matches(token, pending.TokenHash))
        {
            throw KudosException.NotFound("confirmation link");
        }

        if (now >= pending.ExpiresAt)
        {
            throw KudosException.Conflict("confirmation_expired", $"This link expired on {Words.Date(pending.ExpiresAt, state.TimeZone)}. Open the board page and ask for a new one.");
        }

        state.OwnerConfirmation = null;
        state.ConfirmedTokenHash = pending.TokenHash;
        state.OwnerConfirmedAt = now;
        if (state.Status == BoardStatus.AwaitingOwnerConfirmation)
        {
            state.Status = BoardStatus.Scheduled;
        }
    }

    /// <summary>The instant passed before the owner confirmed: the board stays sealed, posting closes, nothing is sent.</summary>
    public static void AwaitOwner(BoardState state) => state.Status = BoardStatus.AwaitingOwnerConfirmation;

    /// <summary>Refuses what would send the board before the owner's address is confirmed.</summary>
    public static void EnsureOwnerConfirmed(BoardState state)
    {
        if (state.OwnerConfirmation is not null)
        {
            throw KudosException.Conflict(
                "owner_unconfirmed",
                $"Confirm your address first: the link was emailed to {state.OwnerEmail}. Until then nothing is sent for this board.");
        }
    }

    /// <summary>Whether every card may be read: only once the board is delivered.</summary>
    public static void EnsureUnsealed(BoardState state)
    {
        if (state.Status != BoardStatus.Delivered)
        {
            var until = state.DeliverAt is { } at && state.Status == BoardStatus.Scheduled
                ? $"until {Words.Date(at, state.TimeZone)}"
                : "until the owner delivers it";
            throw new KudosException(KudosErrorKind.Forbidden, "board_sealed", $"The board is sealed {until}; each author can read only their own card.");
        }
    }

    /// <summary>Posting is open for drafts and for scheduled boards before their instant.</summary>
    public static bool IsPostingClosed(BoardState state, DateTimeOffset now) => state.Status switch
    {
        BoardStatus.Draft or BoardStatus.HeldEmpty => false,
        BoardStatus.Scheduled => state.DeliverAt is { } at && now >= at,
        _ => true,
    };

    private static void EnsurePostingOpen(BoardState state, DateTimeOffset now)
    {
        if (state.Status == BoardStatus.Cancelled)
        {
            throw KudosException.Conflict("board_cancelled", "The board was cancelled.");
        }

        if (IsPostingClosed(state, now))
        {
            var at = state.DeliverAt is { } instant ? $" ({Words.Date(instant, state.TimeZone)})" : "";
            throw KudosException.Conflict("posting_closed", $"Posting closed at the delivery time{at}; cards can no longer be added or changed.");
        }
    }

    /// <summary>
    /// When the owner of a thin board is warned: <paramref name="lead"/> before the instant, once per instant; null when
    /// not scheduled, already warned (or skipped) for this instant, or while the owner's address is unconfirmed.
    /// </summary>
    public static DateTimeOffset? FewCardsWarningAt(BoardState state, TimeSpan lead, int threshold) =>
        threshold > 0 && state.Status == BoardStatus.Scheduled && state.OwnerConfirmation is null
        && state.DeliverAt is { } at && state.FewCardsWarnedFor != at
            ? at - lead
            : null;

    /// <summary>An instant set closer than the warning's lead gets no warning: the owner just chose it, seeing the board.</summary>
    private static void SkipLateFewCardsWarning(BoardState state, DateTimeOffset now, TimeSpan lead)
    {
        if (state.DeliverAt is { } at && at - lead <= now)
        {
            state.FewCardsWarnedFor = at;
        }
    }

    /// <summary>The instant came with no cards and the owner wants to be asked: nothing is sent, posting stays open.</summary>
    public static void HoldEmpty(BoardState state) => state.Status = BoardStatus.HeldEmpty;

    /// <summary>Refuses "deliver now" on a board with fewer than <paramref name="threshold"/> cards unless confirmed.</summary>
    public static void EnsureFewCardsConfirmed(int cardCount, int threshold, bool confirmed)
    {
        if (confirmed || cardCount >= threshold)
        {
            return;
        }

        var what = cardCount == 0 ? "This board has no cards yet" : $"This board has only {Words.Count(cardCount, "card")}";
        throw KudosException.Conflict(
            "few_cards_unconfirmed",
            $"{what}. To deliver it anyway, repeat the request with confirmFewCards=true; or invite more people first.");
    }

    /// <summary>Allows one more picture on <paramref name="card"/>: while posting is open, up to <see cref="BoardLimits.MaxImagesPerCard"/>.</summary>
    public static void EnsureCanAddImage(BoardState state, CardState card, DateTimeOffset now)
    {
        EnsurePostingOpen(state, now);
        if (card.Images.Count >= BoardLimits.MaxImagesPerCard)
        {
            throw KudosException.Conflict("card_images_full", $"A card holds at most {BoardLimits.MaxImagesPerCard} pictures; remove one first.");
        }
    }

    /// <summary>Allows removing a picture: while posting is open.</summary>
    public static void RemoveImage(BoardState state, DateTimeOffset now) => EnsurePostingOpen(state, now);

    /// <summary>
    /// Gives (<paramref name="on"/>) or takes back a reaction by <paramref name="reader"/> on a delivered board's card;
    /// returns whether the card changed.
    /// </summary>
    public static bool React(BoardState state, CardState card, string reader, string reaction, bool on)
    {
        EnsureUnsealed(state);
        if (!Reactions.Emoji.ContainsKey(reaction))
        {
            throw KudosException.Invalid("reaction", $"'reaction' must be one of {string.Join(", ", Reactions.Names)}.");
        }

        var given = card.Reactions.FindIndex(r => r.Reaction == reaction && r.By == reader);
        if (on == given >= 0)
        {
            return false;
        }

        if (on)
        {
            card.Reactions.Add(new ReactionState { Reaction = reaction, By = reader });
        }
        else
        {
            card.Reactions.RemoveAt(given);
        }

        return true;
    }

    /// <summary>Records the recipient's thank-you note: once, after delivery.</summary>
    public static void Thank(BoardState state, string? message, int recipients, DateTimeOffset now)
    {
        EnsureUnsealed(state);
        if (state.Thanks is { } sent)
        {
            throw KudosException.Conflict("thanks_already_sent", $"Your thanks were already sent on {Words.Date(sent.SentAt, state.TimeZone)}.");
        }

        var text = InputRules.Text(message, "message", BoardLimits.MaxThanksLength, multiline: true);
        state.Thanks = new ThanksState { Message = text, SentAt = now, Recipients = recipients };
    }

    /// <summary>Refuses any change to a delivered or cancelled board.</summary>
    public static void EnsureNotFinal(BoardState state)
    {
        switch (state.Status)
        {
            case BoardStatus.Delivered:
                throw KudosException.Conflict("board_delivered", "The board has already been delivered.");
            case BoardStatus.Cancelled:
                throw KudosException.Conflict("board_cancelled", "The board was cancelled.");
        }
    }
}
