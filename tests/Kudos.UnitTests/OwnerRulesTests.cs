using Kudos.Grains;
using Kudos.Grains.Boards;
using Kudos.Grains.Email;
using Kudos.Grains.Owners;
using Kudos.Grains.Security;
using Xunit;

namespace Kudos.UnitTests;

/// <summary>Owner confirmation on the board, the owner's daily quotas, and the sender-reputation guard.</summary>
public sealed class OwnerRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Lifetime = TimeSpan.FromDays(7);

    private static OwnerOptions Options(int unconfirmed = 5, int boards = 50, int invitations = 500) => new()
    {
        Quotas = new OwnerQuotas { UnconfirmedBoardsPerDay = unconfirmed, BoardsPerDay = boards, InvitationsPerDay = invitations },
    };

    private static BoardState Board(TimeSpan ahead)
    {
        var state = new BoardState();
        BoardRules.Create(state, new CreateBoard("Thanks", "Ada", "ada@example.com", "Grace", "grace@example.com", Now + ahead, "UTC"), Now);
        return state;
    }

    private static IReadOnlyList<string> Invitations(int count, string prefix = "i") => [.. Enumerable.Range(0, count).Select(i => $"{prefix}{i}")];

    [Fact]
    public void A_confirmation_token_confirms_once_and_a_second_use_is_told_apart_from_a_wrong_link()
    {
        var board = Board(TimeSpan.FromDays(1));
        var token = BoardRules.IssueConfirmation(board, Now, Lifetime, maxEmails: 5);
        Assert.DoesNotContain(token, board.OwnerConfirmation!.TokenHash, StringComparison.Ordinal);
        Assert.Equal(256 / 8, Convert.FromBase64String(token.Replace('-', '+').Replace('_', '/') + "=").Length);

        Assert.Equal("not_found", Assert.Throws<KudosException>(() => BoardRules.ConfirmOwner(board, CapabilityKeys.New(), Now)).Code);
        Assert.NotNull(board.OwnerConfirmation);

        BoardRules.ConfirmOwner(board, token, Now.AddMinutes(1));
        Assert.Null(board.OwnerConfirmation);
        Assert.Equal(Now.AddMinutes(1), board.OwnerConfirmedAt);
        Assert.Equal("owner_already_confirmed", Assert.Throws<KudosException>(() => BoardRules.ConfirmOwner(board, token, Now.AddMinutes(2))).Code);
    }

    [Fact]
    public void A_confirmation_link_expires_and_a_new_one_replaces_the_old()
    {
        var board = Board(TimeSpan.FromDays(30));
        var first = BoardRules.IssueConfirmation(board, Now, Lifetime, maxEmails: 5);
        var expired = Assert.Throws<KudosException>(() => BoardRules.ConfirmOwner(board, first, Now + Lifetime));
        Assert.Equal("confirmation_expired", expired.Code);
        Assert.Equal(KudosErrorKind.Conflict, expired.Kind);

        var second = BoardRules.IssueConfirmation(board, Now + Lifetime, Lifetime, maxEmails: 5);
        Assert.Equal("not_found", Assert.Throws<KudosException>(() => BoardRules.ConfirmOwner(board, first, Now + Lifetime)).Code);
        BoardRules.ConfirmOwner(board, second, Now + Lifetime);
        Assert.Null(board.OwnerConfirmation);
    }

    [Fact]
    public void A_board_sends_at_most_its_limit_of_confirmation_emails()
    {
        var board = Board(TimeSpan.FromDays(1));
        BoardRules.IssueConfirmation(board, Now, Lifetime, maxEmails: 2);
        BoardRules.IssueConfirmation(board, Now, Lifetime, maxEmails: 2);
        Assert.Equal("quota_confirmation_emails", Assert.Throws<KudosException>(() => BoardRules.IssueConfirmation(board, Now, Lifetime, maxEmails: 2)).Code);
    }

    [Fact]
    public void A_board_whose_instant_passed_unconfirmed_waits_sealed_and_confirming_makes_it_due_at_once()
    {
        var board = Board(TimeSpan.FromMinutes(5));
        var token = BoardRules.IssueConfirmation(board, Now, Lifetime, maxEmails: 5);
        BoardRules.AwaitOwner(board);

        Assert.Equal(BoardStatus.AwaitingOwnerConfirmation, board.Status);
        Assert.True(BoardRules.IsPostingClosed(board, Now.AddMinutes(6)));
        Assert.Equal(KudosErrorKind.Forbidden, Assert.Throws<KudosException>(() => BoardRules.EnsureUnsealed(board)).Kind);
        Assert.Equal("owner_unconfirmed", Assert.Throws<KudosException>(() => BoardRules.EnsureOwnerConfirmed(board)).Code);

        BoardRules.ConfirmOwner(board, token, Now.AddMinutes(10));
        Assert.Equal(BoardStatus.Scheduled, board.Status);
        Assert.True(BoardRules.IsDue(board, Now.AddMinutes(10)));
    }

    [Fact]
    public void Unconfirmed_and_confirmed_boards_have_separate_daily_quotas_that_refill_at_midnight_utc()
    {
        var owner = new OwnerState();
        var options = Options(unconfirmed: 2, boards: 3);
        OwnerRules.AdmitBoard(owner, Guid.NewGuid(), confirmed: false, [], options, Now);
        OwnerRules.AdmitBoard(owner, Guid.NewGuid(), confirmed: false, [], options, Now);
        var refused = Assert.Throws<KudosException>(() => OwnerRules.AdmitBoard(owner, Guid.NewGuid(), confirmed: false, [], options, Now));
        Assert.Equal("quota_unconfirmed_boards_per_day", refused.Code);
        Assert.Equal(KudosErrorKind.QuotaExceeded, refused.Kind);
        Assert.Equal(TimeSpan.FromHours(12), refused.RetryAfter);

        // A stranger who exhausts the unconfirmed quota does not block the credential holder.
        for (var i = 0; i < 3; i++)
        {
            OwnerRules.AdmitBoard(owner, Guid.NewGuid(), confirmed: true, [], options, Now);
        }

        Assert.Equal("quota_boards_per_day", Assert.Throws<KudosException>(() => OwnerRules.AdmitBoard(owner, Guid.NewGuid(), confirmed: true, [], options, Now)).Code);

        var tomorrow = Now.AddHours(12);
        OwnerRules.AdmitBoard(owner, Guid.NewGuid(), confirmed: false, [], options, tomorrow);
        OwnerRules.AdmitBoard(owner, Guid.NewGuid(), confirmed: true, [], options, tomorrow);
        Assert.Equal(7, owner.Boards.Count);
    }

    [Fact]
    public void Invitations_count_against_a_daily_quota_and_a_refused_request_counts_nothing()
    {
        var owner = new OwnerState();
        var options = Options(invitations: 150);
        OwnerRules.AdmitBoard(owner, Guid.NewGuid(), confirmed: true, Invitations(100, "a"), options, Now);
        var refused = Assert.Throws<KudosException>(() => OwnerRules.AdmitInvitations(owner, Invitations(51, "b"), options, Now));
        Assert.Equal("quota_invitations_per_day", refused.Code);
        Assert.Equal(100, owner.InvitationsToday);
        Assert.Equal(1, owner.BoardsToday);

        OwnerRules.AdmitInvitations(owner, Invitations(50, "c"), options, Now);
        Assert.Equal(150, owner.InvitationsToday);
        Assert.Equal(OwnerLimits.ReputationWindow, owner.Recent.Count);
    }

    [Fact]
    public void Hard_bounces_above_the_rate_hold_the_owner_once_enough_invitations_were_counted()
    {
        var owner = new OwnerState();
        var reputation = new ReputationOptions { HardBounceRate = 0.05, MinimumInvitations = 20, Complaints = 3 };
        OwnerRules.AdmitInvitations(owner, Invitations(10), Options(), Now);

        // 2 of 10 is 20 %, but 10 invitations are too few to judge.
        Assert.False(OwnerRules.RecordOutcome(owner, "i0", DispatchStatus.Bounced, reputation, Now));
        Assert.False(OwnerRules.RecordOutcome(owner, "i1", DispatchStatus.Bounced, reputation, Now));

        OwnerRules.AdmitInvitations(owner, Invitations(30, "j"), Options(), Now);

        // 2 of 40 is 5 %: not above the rate. A third is.
        Assert.False(OwnerRules.RecordOutcome(owner, "j0", DispatchStatus.Delivered, reputation, Now));
        Assert.False(OwnerRules.RecordOutcome(owner, "unknown", DispatchStatus.Bounced, reputation, Now));
        Assert.True(OwnerRules.RecordOutcome(owner, "j1", DispatchStatus.Bounced, reputation, Now));

        var standing = OwnerRules.Standing("grace@example.com", owner);
        Assert.True(standing.InvitationsHeld);
        Assert.Equal((40, 3, 0), (standing.RecentInvitations, standing.HardBounces, standing.Complaints));
        Assert.Contains("3 hard bounces among the owner's last 40 invitations", standing.HeldReason, StringComparison.Ordinal);

        // Already held: further verdicts are recorded, the hold does not start again.
        Assert.False(OwnerRules.RecordOutcome(owner, "j2", DispatchStatus.Bounced, reputation, Now));
    }

    [Fact]
    public void Complaints_hold_the_owner_at_their_limit_and_a_release_starts_the_window_afresh()
    {
        var owner = new OwnerState();
        var reputation = new ReputationOptions { Complaints = 3 };
        var board = Guid.NewGuid();
        OwnerRules.AdmitInvitations(owner, Invitations(100), Options(), Now);
        Assert.False(OwnerRules.RecordOutcome(owner, "i0", DispatchStatus.Complained, reputation, Now));
        Assert.False(OwnerRules.RecordOutcome(owner, "i1", DispatchStatus.Complained, reputation, Now));
        Assert.True(OwnerRules.RecordOutcome(owner, "i2", DispatchStatus.Complained, reputation, Now));
        owner.HeldBoards.Add(board);

        Assert.Equal([board], OwnerRules.Release(owner));
        var standing = OwnerRules.Standing("grace@example.com", owner);
        Assert.False(standing.InvitationsHeld);
        Assert.Equal(0, standing.RecentInvitations);
        Assert.Empty(owner.HeldBoards);
    }
}
