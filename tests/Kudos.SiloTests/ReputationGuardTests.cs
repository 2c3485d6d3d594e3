using Kudos.Grains;
using Kudos.Grains.Boards;
using Kudos.Grains.Email;
using Kudos.Grains.Owners;
using Xunit;

namespace Kudos.SiloTests;

/// <summary>
/// The sender-reputation guard on a silo with the product's services: hard bounces reported by the provider for one
/// owner's invitations hold that owner's further invitations, tell the operator (alert webhook, admin listing), and an
/// operator's release sends what waited.
/// </summary>
public sealed class ReputationGuardTests(InProcessSilo silo) : IClassFixture<InProcessSilo>
{
    [Fact(Timeout = 120_000)]
    public async Task Hard_bounces_above_the_rate_hold_the_owners_next_invitations_until_an_operator_releases_them()
    {
        var ct = TestContext.Current.CancellationToken;
        var owner = $"grace-{Guid.NewGuid():N}@example.test";
        var boardId = Guid.NewGuid();
        var board = silo.Grains.GetGrain<IBoardGrain>(boardId);
        var invitees = Enumerable.Range(0, 20).Select(i => $"guest{i}-{Guid.NewGuid():N}@example.test").ToList();
        var created = await board.CreateAsync(new CreateBoard("For Ada", "Ada", $"ada-{Guid.NewGuid():N}@example.test", "Grace", owner, DateTimeOffset.UtcNow.AddDays(2), "UTC", invitees), null);
        foreach (var invitee in invitees)
        {
            Assert.Single(await silo.Smtp.WaitForMessagesAsync(1, TimeSpan.FromSeconds(30), invitee, ct));
        }

        // Two hard bounces among 20 invitations: 10 %, above the default 5 %.
        for (var i = 0; i < 2; i++)
        {
            await silo.Grains.GetGrain<IEmailDispatchGrain>(InvitationEmail.InvitationId(boardId, invitees[i])).ApplyProviderEventAsync(
                new ProviderEvent($"bounce-{Guid.NewGuid():N}", ProviderEventTypes.Bounced, DateTimeOffset.UtcNow, null, "Permanent", invitees[i], "mailbox does not exist"));
        }

        var standing = await silo.Grains.GetGrain<IOwnerGrain>(owner).GetStandingAsync();
        Assert.True(standing.InvitationsHeld, $"Not held: {standing}");
        Assert.Equal((20, 2), (standing.RecentInvitations, standing.HardBounces));
        Assert.Contains(owner, await silo.Grains.GetGrain<IIndexGrain>(IndexNames.HeldOwners).ListAsync(null, 100));
        var alert = (await silo.Alerts.WaitAsync(1, TimeSpan.FromSeconds(30), ct)).Single(a => a.GetProperty("owner").GetString() == owner);
        Assert.Equal("owner-held", alert.GetProperty("state").GetString());

        // The owner's next invitation waits, recorded; nothing reaches the invitee.
        var late = $"late-{Guid.NewGuid():N}@example.test";
        await board.InviteAsync(created.OwnerKey, created.ContributeKey, [late], null);
        var view = await board.GetOwnerViewAsync(created.OwnerKey);
        Assert.Equal((true, 1), (view.InvitationsHeld, view.WaitingEmails));
        Assert.Equal(DispatchStatus.None, (await silo.Grains.GetGrain<IEmailDispatchGrain>(InvitationEmail.InvitationId(boardId, late)).GetAsync()).Status);

        // An operator lifts the hold: the invitation leaves, and the owner starts afresh.
        var released = await silo.Grains.GetGrain<IOwnerGrain>(owner).ReleaseAsync("reviewed");
        Assert.False(released.InvitationsHeld);
        Assert.Single(await silo.Smtp.WaitForMessagesAsync(1, TimeSpan.FromSeconds(30), late, ct));
        Assert.DoesNotContain(owner, await silo.Grains.GetGrain<IIndexGrain>(IndexNames.HeldOwners).ListAsync(null, 100));
        Assert.Equal((false, 0), ((await board.GetOwnerViewAsync(created.OwnerKey)).InvitationsHeld, (await board.GetOwnerViewAsync(created.OwnerKey)).WaitingEmails));
    }
}
