using Kudos.Grains;
using Kudos.Grains.Boards;
using Kudos.Grains.Email;
using Kudos.Grains.Security;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using Xunit;

namespace Kudos.SiloTests;

/// <summary>
/// A delivery email's first attempt runs on a timer alone: the board's reminder is its backstop until the dispatch reports
/// an outcome. Here a silo "died" right after the dispatch stored the message as Pending (no attempt, no reminder of its
/// own): the stored states are written as that crash left them, and the board, once awake, wakes the dispatch.
/// </summary>
public sealed class DeliveryBackstopTests(InProcessSilo silo) : IClassFixture<InProcessSilo>
{
    [Fact(Timeout = 120_000)]
    public async Task A_delivery_whose_first_attempt_was_lost_is_sent_once_the_board_wakes_its_dispatch_and_the_owner_is_told()
    {
        var ct = TestContext.Current.CancellationToken;
        var id = Guid.NewGuid();
        var (recipient, owner) = ($"ada-{Guid.NewGuid():N}@example.test", $"grace-{Guid.NewGuid():N}@example.test");
        var ownerKey = CapabilityKeys.New();
        var handedOff = DateTimeOffset.UtcNow.AddMinutes(-5);
        var state = new BoardState
        {
            Status = BoardStatus.Delivered,
            Title = "Lost attempt",
            RecipientName = "Ada",
            RecipientEmail = recipient,
            OwnerName = "Grace",
            OwnerEmail = owner,
            DeliverAt = handedOff,
            DeliveredAt = handedOff,
            CreatedAt = handedOff.AddDays(-1),
            OwnerKeyHash = CapabilityKeys.Hash(ownerKey),
            ContributeKeyHash = CapabilityKeys.Hash(CapabilityKeys.New()),
            RecipientKeyHash = CapabilityKeys.Hash(CapabilityKeys.New()),
        };
        var url = DeliveryEmail.RecipientUrl(new Uri("http://127.0.0.1:5080"), id, "k");
        state.Delivery = new DeliveryState { DispatchId = DeliveryEmail.DispatchId(id), RecipientUrl = url, HandedOff = true, HandedOffAt = handedOff };
        var email = DeliveryEmail.Compose(id, state, [], url);
        var dispatch = new DispatchState
        {
            Status = DispatchStatus.Pending,
            Message = email,
            MessageId = MessageIds.For(state.Delivery.DispatchId, "kudos@example.test"),
            EnqueuedAt = handedOff,
            NextAttemptAt = handedOff,
        };

        var board = silo.Grains.GetGrain<IBoardGrain>(id);
        var storage = silo.Services.GetRequiredKeyedService<IGrainStorage>(StorageNames.Kudos);
        await storage.WriteStateAsync("board", board.GetGrainId(), new GrainState<BoardState>(state));
        await storage.WriteStateAsync("dispatch", silo.Grains.GetGrain<IEmailDispatchGrain>(state.Delivery.DispatchId).GetGrainId(), new GrainState<DispatchState>(dispatch));

        // Anything that wakes the board (here the owner looking at it) starts the backstop.
        Assert.Equal(BoardStatus.Delivered, (await board.GetOwnerViewAsync(ownerKey)).Status);

        Assert.Single(await silo.Smtp.WaitForMessagesAsync(1, TimeSpan.FromSeconds(60), recipient, ct));
        var notice = Assert.Single(await silo.Smtp.WaitForMessagesAsync(1, TimeSpan.FromSeconds(60), owner, ct));
        Assert.Contains("was delivered", notice.Subject, StringComparison.Ordinal);
        var view = await board.GetOwnerViewAsync(ownerKey);
        Assert.Equal((DispatchStatus.Sent, 1), (view.Delivery!.Status, view.Delivery.Attempts));
    }
}
