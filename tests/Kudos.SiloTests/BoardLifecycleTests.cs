using System.Text.RegularExpressions;
using Kudos.Grains;
using Kudos.Grains.Boards;
using Xunit;

namespace Kudos.SiloTests;

/// <summary>
/// A board's life on a silo with the product's services: invitations, the reminder of those who have not posted (a set
/// lead before delivery), the delivery at the instant and the owner's notice — each email once; a cancelled board sends
/// nothing more.
/// </summary>
public sealed partial class BoardLifecycleTests(InProcessSilo silo) : IClassFixture<InProcessSilo>
{
    private static string Address(string who) => $"{who}-{Guid.NewGuid():N}@example.test";

    [Fact(Timeout = 120_000)]
    public async Task Invitees_who_did_not_post_are_reminded_before_the_instant_then_the_board_is_delivered_and_the_owner_told()
    {
        var ct = TestContext.Current.CancellationToken;
        var (owner, recipient, posted, silent) = (Address("grace"), Address("ada"), Address("alan"), Address("katherine"));
        var deliverAt = DateTimeOffset.UtcNow.AddSeconds(9);
        var board = silo.Grains.GetGrain<IBoardGrain>(Guid.NewGuid());
        var created = await board.CreateAsync(new CreateBoard("For Ada", "Ada", recipient, "Grace", owner, deliverAt, "UTC", [posted, silent]), null);

        // Alan posts through his personal link (its invite token marks him as having posted).
        var invitation = Assert.Single(await silo.Smtp.WaitForMessagesAsync(1, TimeSpan.FromSeconds(30), posted, ct));
        var token = InviteToken().Match(invitation.Parse().TextBody ?? "");
        Assert.True(token.Success, "No personal link in the invitation.");
        await board.AddCardAsync(created.ContributeKey, new NewCard("Alan", "Thank you!", token.Groups["token"].Value), null);

        // Katherine, silent, is reminded at the lead before the instant; Alan is not.
        var katherine = await silo.Smtp.WaitForMessagesAsync(2, TimeSpan.FromSeconds(30), silent, ct);
        Assert.Equal(2, katherine.Count);
        Assert.StartsWith("Reminder:", katherine[1].Subject, StringComparison.Ordinal);
        Assert.True(katherine[1].ReceivedAt >= deliverAt - InProcessSilo.InviteReminderLead, $"Reminded at {katherine[1].ReceivedAt:O}, before {deliverAt - InProcessSilo.InviteReminderLead:O}.");
        Assert.True(katherine[1].ReceivedAt < deliverAt, $"Reminded at {katherine[1].ReceivedAt:O}, after the instant {deliverAt:O}.");

        var delivery = Assert.Single(await silo.Smtp.WaitForMessagesAsync(1, TimeSpan.FromSeconds(30), recipient, ct));
        Assert.True(delivery.ReceivedAt >= deliverAt, $"Delivered {delivery.ReceivedAt:O}, before its instant {deliverAt:O}.");
        Assert.Single(await silo.Smtp.WaitForMessagesAsync(1, TimeSpan.FromSeconds(30), owner, ct));
        var view = await board.GetOwnerViewAsync(created.OwnerKey);
        Assert.Equal((BoardStatus.Delivered, 1), (view.Status, view.CardCount));

        // Exactly once each, also two reminder periods later.
        var later = silo.Smtp.WaitForMessagesAsync(3, InProcessSilo.ReminderPeriod * 2, silent, ct);
        Assert.Equal(2, (await later).Count);
        // Alan, who posted, got his invitation and the "delivered" email (a key of his own to the board).
        var alan = await silo.Smtp.WaitForMessagesAsync(3, TimeSpan.Zero, posted, ct);
        Assert.Equal(["Grace invites you to write a card for Ada", "The board for Ada was delivered"], alan.Select(m => m.Subject));
        Assert.Single(await silo.Smtp.WaitForMessagesAsync(2, TimeSpan.Zero, recipient, ct));
    }

    [Fact(Timeout = 120_000)]
    public async Task A_cancelled_board_is_never_delivered()
    {
        var ct = TestContext.Current.CancellationToken;
        var recipient = Address("ada");
        var board = silo.Grains.GetGrain<IBoardGrain>(Guid.NewGuid());
        var created = await board.CreateAsync(new CreateBoard("For Ada", "Ada", recipient, "Grace", Address("grace"), DateTimeOffset.UtcNow.AddSeconds(3), "UTC"), null);
        await board.CancelAsync(created.OwnerKey);

        Assert.Equal(BoardStatus.Cancelled, (await board.GetOwnerViewAsync(created.OwnerKey)).Status);
        Assert.Empty(await silo.Smtp.WaitForMessagesAsync(1, TimeSpan.FromSeconds(3) + InProcessSilo.ReminderPeriod * 2, recipient, ct));
        var refused = await Assert.ThrowsAsync<KudosException>(() => board.DeliverNowAsync(created.OwnerKey));
        Assert.Equal("board_cancelled", refused.Code);
    }

    [GeneratedRegex(@"#k=[A-Za-z0-9_-]{43}&i=(?<token>[A-Za-z0-9_-]{43})")]
    private static partial Regex InviteToken();
}
