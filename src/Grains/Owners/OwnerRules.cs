using System.Globalization;
using Kudos.Grains.Email;

namespace Kudos.Grains.Owners;

/// <summary>
/// An owner's daily quotas and the sender-reputation guard, free of Orleans so unit tests can drive them. Quotas count
/// per UTC day; the guard judges the owner's last <see cref="OwnerLimits.ReputationWindow"/> invitations.
/// </summary>
public static class OwnerRules
{
    /// <summary>Counts a new board (and the invitations it asks for) or throws the exhausted quota.</summary>
    public static void AdmitBoard(OwnerState state, Guid boardId, bool confirmed, IReadOnlyList<string> invitationIds, OwnerOptions options, DateTimeOffset now)
    {
        Roll(state, now);
        var quotas = options.Quotas;
        if (confirmed && state.BoardsToday >= quotas.BoardsPerDay)
        {
            throw Exhausted("quota_boards_per_day", $"This owner address has created {quotas.BoardsPerDay} boards today, the daily quota.", now);
        }

        if (!confirmed && state.UnconfirmedBoardsToday >= quotas.UnconfirmedBoardsPerDay)
        {
            throw Exhausted(
                "quota_unconfirmed_boards_per_day",
                $"{quotas.UnconfirmedBoardsPerDay} boards were created today for this owner address without its owner credential, each sending a "
                + "confirmation email, the daily quota. Confirm one of them: the credential it gives lets you create more.",
                now);
        }

        EnsureInvitations(state, invitationIds.Count, quotas, now);
        if (confirmed)
        {
            state.BoardsToday++;
        }
        else
        {
            state.UnconfirmedBoardsToday++;
        }

        if (!state.Boards.Contains(boardId))
        {
            state.Boards.Add(boardId);
            if (state.Boards.Count > OwnerLimits.ListedBoards)
            {
                state.Boards.RemoveAt(0);
            }
        }

        CountInvitations(state, invitationIds);
    }

    /// <summary>Counts invitations asked for on a board, or throws when the daily quota would be passed.</summary>
    public static void AdmitInvitations(OwnerState state, IReadOnlyList<string> invitationIds, OwnerOptions options, DateTimeOffset now)
    {
        Roll(state, now);
        EnsureInvitations(state, invitationIds.Count, options.Quotas, now);
        CountInvitations(state, invitationIds);
    }

    /// <summary>Counts a resent confirmation email against the unconfirmed-boards quota (each is an email to the address).</summary>
    public static void AdmitConfirmationEmail(OwnerState state, OwnerOptions options, DateTimeOffset now)
    {
        Roll(state, now);
        if (state.UnconfirmedBoardsToday >= options.Quotas.UnconfirmedBoardsPerDay)
        {
            throw Exhausted("quota_unconfirmed_boards_per_day", $"{options.Quotas.UnconfirmedBoardsPerDay} confirmation emails went to this address today, the daily quota.", now);
        }

        state.UnconfirmedBoardsToday++;
    }

    /// <summary>
    /// Records a provider's verdict on one of the owner's invitations; returns true when it puts the owner on hold (the
    /// hard-bounce share over the window passes the configured rate once enough invitations were counted, or the
    /// complaints reach their limit). A verdict for an invitation outside the window is ignored.
    /// </summary>
    public static bool RecordOutcome(OwnerState state, string dispatchId, DispatchStatus outcome, ReputationOptions options, DateTimeOffset now)
    {
        var invitation = state.Recent.Find(i => i.DispatchId == dispatchId);
        if (invitation is null)
        {
            return false;
        }

        switch (outcome)
        {
            case DispatchStatus.Bounced:
                invitation.HardBounced = true;
                break;
            case DispatchStatus.Complained:
                invitation.Complained = true;
                break;
            default:
                return false;
        }

        if (state.HeldSince is not null)
        {
            return false;
        }

        var counted = state.Recent.Count;
        var bounced = state.Recent.Count(i => i.HardBounced);
        var complaints = state.Recent.Count(i => i.Complained);
        string? reason = null;
        if (complaints >= options.Complaints)
        {
            reason = $"{complaints} complaints among the owner's last {counted} invitations (limit {options.Complaints}).";
        }
        else if (counted >= options.MinimumInvitations && (double)bounced / counted > options.HardBounceRate)
        {
            reason = string.Create(
                CultureInfo.InvariantCulture,
                $"{bounced} hard bounces among the owner's last {counted} invitations ({(double)bounced / counted:P1}, limit {options.HardBounceRate:P1}).");
        }

        if (reason is null)
        {
            return false;
        }

        state.HeldSince = now;
        state.HeldReason = reason;
        return true;
    }

    /// <summary>Lifts the hold and starts the window afresh, so the verdicts that caused it do not hold the owner again.</summary>
    public static IReadOnlyList<Guid> Release(OwnerState state)
    {
        var boards = state.HeldBoards.ToList();
        state.HeldSince = null;
        state.HeldReason = null;
        state.HeldBoards.Clear();
        state.Recent.Clear();
        return boards;
    }

    public static OwnerStanding Standing(string address, OwnerState state) => new(
        address,
        state.HeldSince is not null,
        state.HeldSince,
        state.HeldReason,
        state.Recent.Count,
        state.Recent.Count(i => i.HardBounced),
        state.Recent.Count(i => i.Complained));

    private static void EnsureInvitations(OwnerState state, int count, OwnerQuotas quotas, DateTimeOffset now)
    {
        if (count > 0 && state.InvitationsToday + count > quotas.InvitationsPerDay)
        {
            throw Exhausted(
                "quota_invitations_per_day",
                $"This owner address may ask for {quotas.InvitationsPerDay} invitations a day; {state.InvitationsToday} were asked for today and this request adds {count}.",
                now);
        }
    }

    private static void CountInvitations(OwnerState state, IReadOnlyList<string> invitationIds)
    {
        state.InvitationsToday += invitationIds.Count;
        foreach (var id in invitationIds)
        {
            if (!state.Recent.Exists(i => i.DispatchId == id))
            {
                state.Recent.Add(new SentInvitation { DispatchId = id });
            }
        }

        if (state.Recent.Count > OwnerLimits.ReputationWindow)
        {
            state.Recent.RemoveRange(0, state.Recent.Count - OwnerLimits.ReputationWindow);
        }
    }

    private static void Roll(OwnerState state, DateTimeOffset now)
    {
        var today = now.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        if (state.Day != today)
        {
            state.Day = today;
            state.UnconfirmedBoardsToday = 0;
            state.BoardsToday = 0;
            state.InvitationsToday = 0;
        }
    }

    private static KudosException Exhausted(string code, string detail, DateTimeOffset now)
    {
        var tomorrow = new DateTimeOffset(now.UtcDateTime.Date.AddDays(1), TimeSpan.Zero);
        return KudosException.Quota(code, $"{detail} It refills on {Boards.Words.Date(tomorrow, "UTC")}.", tomorrow - now);
    }
}
