using Kudos.Grains.Boards;
using Kudos.Grains.Email;
using Xunit;

namespace Kudos.SiloTests;

/// <summary>Every email a board causes is recorded with the change and handed off until accepted: a failure part-way loses nothing.</summary>
public sealed class OutboxHandOffTests(InProcessSilo silo) : IClassFixture<InProcessSilo>
{
    private const int Invitees = 50;

    private static CreateBoard Board(DateTimeOffset? deliverAt, IReadOnlyList<string>? invitees = null) =>
        new("For Ada", "Ada Lovelace", $"ada-{Guid.NewGuid():N}@example.test", "Grace", $"grace-{Guid.NewGuid():N}@example.test", deliverAt, "UTC", invitees);

    private static List<string> Addresses(string tag) => [.. Enumerable.Range(0, Invitees).Select(i => $"{tag}-{i}-{Guid.NewGuid():N}@example.test")];

    [Fact(Timeout = 120_000)]
    public async Task A_failure_in_the_middle_of_50_invitations_still_sends_all_50_exactly_once()
    {
        var ct = TestContext.Current.CancellationToken;
        var id = Guid.NewGuid();
        var board = silo.Grains.GetGrain<IBoardGrain>(id);
        var created = await board.CreateAsync(Board(DateTimeOffset.UtcNow.AddDays(2)), null);
        var addresses = Addresses("scheduled");

        silo.Faults.FailCall(Invitees / 2);
        await Assert.ThrowsAsync<TimeoutException>(() => board.InviteAsync(created.OwnerKey, created.ContributeKey, addresses, null));

        // Nobody calls the board again: its reminder reconciles the outbox.
        await AssertEachInvitedOnceAsync(id, addresses, ct);
    }

    [Fact(Timeout = 120_000)]
    public async Task A_draft_whose_invitations_fail_part_way_keeps_a_reminder_until_all_are_handed_off()
    {
        var ct = TestContext.Current.CancellationToken;
        var id = Guid.NewGuid();
        var addresses = Addresses("draft");

        silo.Faults.FailCall(Invitees / 2);
        await Assert.ThrowsAsync<TimeoutException>(() => silo.Grains.GetGrain<IBoardGrain>(id).CreateAsync(Board(deliverAt: null, addresses), null));

        await AssertEachInvitedOnceAsync(id, addresses, ct);
    }

    private async Task AssertEachInvitedOnceAsync(Guid boardId, IReadOnlyList<string> addresses, CancellationToken ct)
    {
        var received = new List<string>();
        foreach (var address in addresses)
        {
            var mail = await silo.Smtp.WaitForMessagesAsync(1, TimeSpan.FromSeconds(30), address, ct);
            Assert.True(mail.Count == 1, $"Board {boardId}: {address} got {mail.Count} invitations, expected exactly 1.");
            received.Add(address);
        }

        // Each invitation's dispatch was handed its message once and sent once.
        foreach (var address in addresses)
        {
            var view = await silo.Grains.GetGrain<IEmailDispatchGrain>(InvitationEmail.InvitationId(boardId, address)).GetAsync();
            Assert.True(view is { Status: DispatchStatus.Sent, Attempts: 1 }, $"Dispatch for {address}: {view}");
        }

        Assert.Equal(addresses.Count, received.Distinct(StringComparer.Ordinal).Count());
    }
}
