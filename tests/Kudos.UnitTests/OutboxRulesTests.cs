using Kudos.Grains;
using Kudos.Grains.Boards;
using Kudos.Grains.Email;
using Xunit;

namespace Kudos.UnitTests;

public sealed class OutboxRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("ada@example.com", true)]
    [InlineData("ADA@Example.com", true)]
    [InlineData("grace@corp.example", true)]
    [InlineData("eve@example.org", false)]
    [InlineData("eve@notcorp.example", false)]
    public void Allowed_recipients_match_addresses_and_domains(string address, bool allowed)
    {
        Assert.Equal(allowed, RecipientPolicy.IsAllowed(address, ["ada@example.com", "@corp.example"]));
        Assert.True(RecipientPolicy.IsAllowed(address, []));
    }

    [Theory]
    [InlineData(550, "550 5.1.1 <x@y.z>: Recipient address rejected: User unknown", true)]
    [InlineData(550, "550 No such user here", true)]
    [InlineData(550, "550 5.7.1 Relaying denied", false)]
    [InlineData(451, "451 4.1.1 try later", false)]
    public void Unknown_user_replies_are_recognised(int code, string reply, bool unknown) =>
        Assert.Equal(unknown, RecipientPolicy.IsUnknownUser(code, reply));

    [Fact]
    public void A_sandbox_refusal_is_recognised() =>
        Assert.True(RecipientPolicy.IsNotVerified("554 Message rejected: Email address is not verified. The following identities failed the check"));

    [Theory]
    [InlineData("250 2.0.0 Ok: queued as 4F2A1B", "4F2A1B")]
    [InlineData("250 OK queued as 12", "12")]
    [InlineData("250 Ok 0100018c5f6a7b8c-1234abcd-5678-90ef-aaaa-bbbbccccdddd-000000", "0100018c5f6a7b8c-1234abcd-5678-90ef-aaaa-bbbbccccdddd-000000")]
    [InlineData("250 Ok", null)]
    [InlineData(null, null)]
    public void Provider_ids_are_parsed_from_acceptance_replies(string? reply, string? id) =>
        Assert.Equal(id, RecipientPolicy.ProviderMessageId(reply));

    [Fact]
    public void An_unsubscribe_covers_invitations_and_reminders_only()
    {
        var unsubscribe = new SuppressionView("a@b.c", SuppressionReason.Unsubscribe, Now, null, null);
        Assert.True(unsubscribe.Covers(EmailTypes.Invitation));
        Assert.True(unsubscribe.Covers(EmailTypes.Reminder));
        Assert.False(unsubscribe.Covers(EmailTypes.Delivery));
        Assert.False(unsubscribe.Covers(EmailTypes.OwnerNotice));
        Assert.True(new SuppressionView("a@b.c", SuppressionReason.Bounce, Now, null, null).Covers(EmailTypes.Delivery));
    }

    [Fact]
    public void Invitations_are_deduplicated_validated_bounded_and_track_who_posted()
    {
        var state = new BoardState();
        BoardRules.Create(state, new CreateBoard("T", "Ada", "ada@example.com", "Grace", "grace@example.com", Now.AddDays(2), "UTC"), Now);
        var invited = BoardRules.Invite(state, ["a@example.com", "A@example.com ", "b@example.com"], Now, t => $"https://k/c#i={t}", t => $"https://k/u/{t}");
        Assert.Equal(2, invited.Count);
        Assert.DoesNotContain(invited[0].InviteToken, invited[0].Invitee.InviteTokenHash, StringComparison.Ordinal);
        Assert.Empty(BoardRules.Invite(state, ["b@example.com"], Now, t => t, t => t));
        Assert.Equal("contributorEmails", Assert.Throws<KudosException>(() => BoardRules.Invite(state, ["bad address"], Now, t => t, t => t)).Field);
        Assert.Throws<KudosException>(() => BoardRules.Invite(state, [.. Enumerable.Range(0, BoardLimits.MaxInvitees).Select(i => $"x{i}@example.com")], Now, t => t, t => t));

        Assert.True(BoardRules.AddCard(state, [], new NewCard("A", "Hi", invited[0].InviteToken), Now).InviteeFirstPost);
        Assert.False(BoardRules.AddCard(state, [], new NewCard("A", "Again", invited[0].InviteToken), Now).InviteeFirstPost);
        Assert.False(BoardRules.AddCard(state, [], new NewCard("B", "Without a token"), Now).InviteeFirstPost);
        Assert.Equal(["b@example.com"], BoardRules.InviteesToRemind(state, Now.AddDays(1)).Select(i => i.Email));
    }

    [Fact]
    public void Invitees_are_reminded_a_lead_before_delivery_only_if_invited_before_that_and_silent_since()
    {
        var lead = TimeSpan.FromHours(24);
        var state = new BoardState();
        BoardRules.Create(state, new CreateBoard("T", "Ada", "ada@example.com", "Grace", "grace@example.com", Now.AddDays(3), "UTC"), Now);
        Assert.Null(BoardRules.InviteeReminderAt(state, lead));

        BoardRules.Invite(state, ["early@example.com"], Now, t => t, t => t);
        Assert.Equal(Now.AddDays(2), BoardRules.InviteeReminderAt(state, lead));

        // Invited inside the lead: just invited, not reminded.
        BoardRules.Invite(state, ["late@example.com"], Now.AddDays(2).AddHours(1), t => t, t => t);
        Assert.Equal(["early@example.com"], BoardRules.InviteesToRemind(state, Now.AddDays(2)).Select(i => i.Email));

        state.Invitees[0].RemindedAt = Now.AddDays(2);
        Assert.Null(BoardRules.InviteeReminderAt(state, lead));

        var draft = new BoardState();
        BoardRules.Create(draft, new CreateBoard("T", "Ada", "ada@example.com", "Grace", "grace@example.com", null, "UTC"), Now);
        BoardRules.Invite(draft, ["early@example.com"], Now, t => t, t => t);
        Assert.Null(BoardRules.InviteeReminderAt(draft, lead));
    }

    [Fact]
    public void Invitation_emails_carry_one_click_unsubscribe_headers()
    {
        var state = new BoardState { Title = "T", RecipientName = "Ada", OwnerName = "Grace", TimeZone = "UTC", DeliverAt = Now.AddDays(1) };
        var invitee = new InviteeState { Email = "a@example.com", InviteUrl = "https://k/c/x#k=1&i=2", UnsubscribeUrl = "https://k/u/x/3" };
        var message = InvitationEmail.Compose(Guid.NewGuid(), state, invitee, reminder: false, "unsub@k.example");
        var headers = message.Headers!.ToDictionary(h => h.Name, h => h.Value);
        Assert.StartsWith("<https://k/u/x/3>, <mailto:unsub@k.example?subject=", headers["List-Unsubscribe"], StringComparison.Ordinal);
        Assert.Equal("List-Unsubscribe=One-Click", headers["List-Unsubscribe-Post"]);
        Assert.Equal(EmailTypes.Invitation, message.EmailType);
        Assert.Equal(EmailTypes.Reminder, InvitationEmail.Compose(Guid.NewGuid(), state, invitee, reminder: true, null).EmailType);
        Assert.Equal("<https://k/u/x/3>", InvitationEmail.Compose(Guid.NewGuid(), state, invitee, reminder: true, null).Headers![0].Value);
    }

    [Fact]
    public void No_urgent_notice_goes_to_the_address_that_just_failed()
    {
        var board = new BoardState { Title = "T", RecipientName = "Ada", RecipientEmail = "same@example.com", OwnerName = "Ada", OwnerEmail = "Same@example.com" };
        var failed = new DispatchView("board-delivery/x", DispatchStatus.Failed, 1, Now, Now, null, null, "550 no", "refused", "id");
        Assert.Null(OwnerNoticeEmail.Compose(Guid.NewGuid(), board, [], failed));

        board.OwnerEmail = "owner@example.com";
        var notice = OwnerNoticeEmail.Compose(Guid.NewGuid(), board, [], failed)!;
        Assert.Equal(1, notice.Priority);
        Assert.Contains("550 no", notice.TextBody, StringComparison.Ordinal);
        Assert.Contains("could not be delivered", notice.Subject, StringComparison.Ordinal);
    }
}
