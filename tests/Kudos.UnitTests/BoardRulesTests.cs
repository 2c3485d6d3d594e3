using Kudos.Grains;
using Kudos.Grains.Boards;
using Xunit;

namespace Kudos.UnitTests;

public sealed class BoardRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    private static CreateBoard Command(DateTimeOffset? deliverAt = null, string title = "Thanks", string email = "ada@example.com", string? zone = "Europe/Paris") =>
        new(title, "Ada", email, "Grace", "grace@example.com", deliverAt, zone);

    private static BoardState Scheduled(out string ownerKey, TimeSpan? ahead = null)
    {
        var state = new BoardState();
        (ownerKey, _) = BoardRules.Create(state, Command(Now + (ahead ?? TimeSpan.FromHours(1))), Now);
        return state;
    }

    private static KudosException Throws(Action action) => Assert.Throws<KudosException>(action);

    [Fact]
    public void A_board_with_an_instant_is_scheduled_and_one_without_is_a_draft()
    {
        var scheduled = new BoardState();
        var (ownerKey, contributeKey) = BoardRules.Create(scheduled, Command(Now.AddDays(1)), Now);
        Assert.Equal(BoardStatus.Scheduled, scheduled.Status);
        Assert.NotEqual(ownerKey, contributeKey);
        Assert.DoesNotContain(ownerKey, scheduled.OwnerKeyHash, StringComparison.Ordinal);

        var draft = new BoardState();
        BoardRules.Create(draft, Command(), Now);
        Assert.Equal(BoardStatus.Draft, draft.Status);
    }

    [Fact]
    public void Cards_are_sealed_until_delivery()
    {
        var state = Scheduled(out _);
        BoardRules.AddCard(state, [], new NewCard("Alan", "Thanks"), Now);

        var error = Throws(() => BoardRules.EnsureUnsealed(state));
        Assert.Equal(KudosErrorKind.Forbidden, error.Kind);
        Assert.Contains("sealed until", error.Detail, StringComparison.Ordinal);

        BoardRules.Unlock(state, Now.AddHours(1));
        BoardRules.EnsureUnsealed(state);
        Assert.NotNull(state.RecipientKeyHash);
    }

    [Fact]
    public void Posting_closes_at_the_delivery_instant_even_before_the_reminder_fires()
    {
        var state = Scheduled(out _);
        var (card, _, _) = BoardRules.AddCard(state, [], new NewCard("Alan", "Thanks"), Now.AddMinutes(59));

        var add = Throws(() => BoardRules.AddCard(state, [], new NewCard("Late", "Sorry"), Now.AddHours(1)));
        Assert.Equal(("posting_closed", KudosErrorKind.Conflict), (add.Code, add.Kind));
        Assert.Equal("posting_closed", Throws(() => BoardRules.EditCard(state, card, "changed", Now.AddHours(1))).Code);
        Assert.Equal("posting_closed", Throws(() => BoardRules.RemoveCard(state, Now.AddHours(2))).Code);
    }

    [Fact]
    public void A_delivered_or_cancelled_board_cannot_change()
    {
        var delivered = Scheduled(out _);
        BoardRules.Unlock(delivered, Now.AddHours(1));
        Assert.Equal("board_delivered", Throws(() => BoardRules.Cancel(delivered, Now)).Code);
        Assert.Equal("board_delivered", Throws(() => BoardRules.Update(delivered, new UpdateBoard("New", null, null, null, null), Now)).Code);
        Assert.Equal("board_delivered", Throws(() => BoardRules.Unlock(delivered, Now)).Code);

        var cancelled = Scheduled(out _);
        BoardRules.Cancel(cancelled, Now);
        Assert.Equal(BoardStatus.Cancelled, cancelled.Status);
        Assert.Equal("board_cancelled", Throws(() => BoardRules.AddCard(cancelled, [], new NewCard("A", "B"), Now)).Code);
        Assert.False(BoardRules.IsDue(cancelled, Now.AddDays(1)));
    }

    [Fact]
    public void Rescheduling_reports_a_moved_instant_and_schedules_a_draft()
    {
        var draft = new BoardState();
        BoardRules.Create(draft, Command(), Now);
        Assert.True(BoardRules.Update(draft, new UpdateBoard(null, null, null, Now.AddDays(2), null), Now));
        Assert.Equal(BoardStatus.Scheduled, draft.Status);
        Assert.False(BoardRules.Update(draft, new UpdateBoard("Renamed", null, null, null, null), Now));
        Assert.Equal("Renamed", draft.Title);
        Assert.True(BoardRules.IsDue(draft, Now.AddDays(2)));
        Assert.False(BoardRules.IsDue(draft, Now.AddDays(2).AddTicks(-1)));
    }

    [Fact]
    public void A_board_holds_at_most_500_cards()
    {
        var state = Scheduled(out _);
        var cards = new List<CardState>();
        for (var i = 0; i < BoardLimits.MaxCardsPerBoard; i++)
        {
            cards.Add(BoardRules.AddCard(state, cards, new NewCard($"Author {i}", "Hi"), Now).Card);
        }

        Assert.Equal("board_full", Throws(() => BoardRules.AddCard(state, cards, new NewCard("One more", "Hi"), Now)).Code);
    }

    [Theory]
    [InlineData(201, "title")]
    [InlineData(0, "title")]
    public void Title_length_is_limited(int length, string field)
    {
        var error = Throws(() => BoardRules.Create(new BoardState(), Command(title: new string('t', length)), Now));
        Assert.Equal(field, error.Field);
        Assert.Equal(KudosErrorKind.Validation, error.Kind);
    }

    [Fact]
    public void Names_and_messages_are_limited()
    {
        var state = Scheduled(out _);
        Assert.Equal("authorName", Throws(() => BoardRules.AddCard(state, [], new NewCard(new string('a', 101), "Hi"), Now)).Field);
        Assert.Equal("message", Throws(() => BoardRules.AddCard(state, [], new NewCard("A", new string('m', 4001)), Now)).Field);
        Assert.Equal("message", Throws(() => BoardRules.AddCard(state, [], new NewCard("A", "   "), Now)).Field);
        BoardRules.AddCard(state, [], new NewCard(new string('a', 100), "Line one\nLine two\n" + new string('m', 3980)), Now);
    }

    [Theory]
    [InlineData("ada@example.com\r\nBcc: evil@example.com")]
    [InlineData("Ada <ada@example.com>")]
    [InlineData("not-an-address")]
    [InlineData("ada@localhost")]
    [InlineData("a b@example.com")]
    public void Emails_must_be_single_plain_addresses(string email)
    {
        Assert.Equal("recipientEmail", Throws(() => BoardRules.Create(new BoardState(), Command(email: email), Now)).Field);
    }

    [Fact]
    public void An_invalid_invitee_refuses_the_whole_board_before_anything_changes()
    {
        var state = new BoardState();
        var command = Command() with { ContributorEmails = ["ok@example.com", "not an address"] };
        Assert.Equal("contributorEmails", Throws(() => BoardRules.Create(state, command, Now)).Field);
        Assert.Equal(BoardStatus.None, state.Status);
    }

    [Theory]
    [InlineData("Mars/Olympus_Mons")]
    [InlineData("Europe/Pariss")]
    public void Time_zones_must_be_known_iana_ids(string zone)
    {
        Assert.Equal("timeZone", Throws(() => BoardRules.Create(new BoardState(), Command(zone: zone), Now)).Field);
    }

    [Fact]
    public void Known_zones_are_kept_and_a_missing_zone_is_utc()
    {
        var paris = new BoardState();
        BoardRules.Create(paris, Command(zone: "America/New_York"), Now);
        Assert.Equal("America/New_York", paris.TimeZone);
        var utc = new BoardState();
        BoardRules.Create(utc, Command(zone: null), Now);
        Assert.Equal("UTC", utc.TimeZone);
    }

    [Fact]
    public void The_instant_must_be_in_the_future_and_within_a_year()
    {
        Assert.Equal("deliverAt", Throws(() => BoardRules.Create(new BoardState(), Command(Now), Now)).Field);
        Assert.Equal("deliverAt", Throws(() => BoardRules.Create(new BoardState(), Command(Now.AddMinutes(-1)), Now)).Field);
        Assert.Equal("deliverAt", Throws(() => BoardRules.Create(new BoardState(), Command(Now + BoardLimits.MaxScheduleAhead + TimeSpan.FromSeconds(1)), Now)).Field);

        var state = new BoardState();
        BoardRules.Create(state, Command(new DateTimeOffset(2026, 11, 23, 14, 0, 0, TimeSpan.FromHours(1))), Now);
        Assert.Equal(TimeSpan.Zero, state.DeliverAt!.Value.Offset);
        Assert.Equal(new DateTimeOffset(2026, 11, 23, 13, 0, 0, TimeSpan.Zero), state.DeliverAt);
    }
}
