using System.Globalization;
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
        var lost = await WriteCrashedDeliveryAsync(DispatchStatus.Pending);

        // Anything that wakes the board (here the owner looking at it) starts the backstop.
        Assert.Equal(BoardStatus.Delivered, (await lost.Board.GetOwnerViewAsync(lost.OwnerKey)).Status);

        Assert.Single(await silo.Smtp.WaitForMessagesAsync(1, TimeSpan.FromSeconds(60), lost.Recipient, ct));
        var notice = Assert.Single(await silo.Smtp.WaitForMessagesAsync(1, TimeSpan.FromSeconds(60), lost.Owner, ct));
        Assert.Contains("was delivered", notice.Subject, StringComparison.Ordinal);
        var view = await lost.Board.GetOwnerViewAsync(lost.OwnerKey);
        Assert.Equal((DispatchStatus.Sent, 1), (view.Delivery!.Status, view.Delivery.Attempts));
    }

    [Fact(Timeout = 120_000)]
    public async Task A_sent_delivery_whose_report_never_reached_the_board_still_gets_the_owner_told()
    {
        var ct = TestContext.Current.CancellationToken;

        // The dispatch sent the email and counts its report as made (it will not repeat it); the board never recorded it.
        var lost = await WriteCrashedDeliveryAsync(DispatchStatus.Sent);

        Assert.Equal(BoardStatus.Delivered, (await lost.Board.GetOwnerViewAsync(lost.OwnerKey)).Status);

        var notice = Assert.Single(await silo.Smtp.WaitForMessagesAsync(1, TimeSpan.FromSeconds(60), lost.Owner, ct));
        Assert.Contains("was delivered", notice.Subject, StringComparison.Ordinal);
        // Sent before the crash: not sent again.
        Assert.DoesNotContain(await silo.Smtp.GetMessagesAsync(ct), m => m.RcptTos.Contains(lost.Recipient));
    }

    [Fact(Timeout = 120_000)]
    public async Task An_outcome_is_taken_in_one_write_and_a_repeated_report_changes_nothing()
    {
        var ct = TestContext.Current.CancellationToken;
        var lost = await WriteCrashedDeliveryAsync(DispatchStatus.Sent);
        var outcome = await silo.Grains.GetGrain<IEmailDispatchGrain>(DeliveryEmail.DispatchId(lost.Board.GetPrimaryKey())).GetAsync();
        var before = await StoredBoardAsync(lost.Board);

        // The report: the owner's notice is handed off and the outcome recorded in a single write.
        await lost.Board.OnDeliveryOutcomeAsync(outcome);
        var taken = await StoredBoardAsync(lost.Board);
        Assert.Equal(int.Parse(before.ETag!, CultureInfo.InvariantCulture) + 1, int.Parse(taken.ETag!, CultureInfo.InvariantCulture));
        var delivery = Assert.IsType<DeliveryState>(taken.State?.Delivery);
        Assert.Equal(DispatchStatus.Sent, delivery.ReportedStatus);
        Assert.NotNull(delivery.OutcomeAt);
        Assert.Empty(taken.State!.Outbox);
        Assert.Single(await silo.Smtp.WaitForMessagesAsync(1, TimeSpan.FromSeconds(60), lost.Owner, ct));

        // The same report again (a dispatch activated anew before its mark was stored repeats it): no write, no notice.
        await lost.Board.OnDeliveryOutcomeAsync(outcome);
        Assert.Equal(taken.ETag, (await StoredBoardAsync(lost.Board)).ETag);
        Assert.Single(await silo.Smtp.GetMessagesAsync(ct), m => m.RcptTos.Contains(lost.Owner));
    }

    [Fact(Timeout = 120_000)]
    public async Task An_owner_notice_whose_first_attempt_was_lost_is_sent_when_the_boards_reminder_wakes_it()
    {
        var ct = TestContext.Current.CancellationToken;

        // The board took the outcome and handed off the notice (one write), then the silo died before the notice's first
        // attempt, which has no reminder of its own: the board's deliver reminder is what is left.
        var lost = await WriteCrashedDeliveryAsync(DispatchStatus.Sent);
        var id = lost.Board.GetPrimaryKey();
        var stored = await StoredBoardAsync(lost.Board);
        var board = stored.State!;
        var outcome = await silo.Grains.GetGrain<IEmailDispatchGrain>(DeliveryEmail.DispatchId(id)).GetAsync();
        var noticeId = OwnerNoticeEmail.DispatchId(id, DispatchStatus.Sent);
        board.Delivery!.OutcomeAt = board.Delivery.HandedOffAt;
        board.Delivery.ReportedStatus = DispatchStatus.Sent;
        board.Delivery.NoticeDispatchId = noticeId;
        var storage = silo.Services.GetRequiredKeyedService<IGrainStorage>(StorageNames.Kudos);
        await storage.WriteStateAsync("board", lost.Board.GetGrainId(), stored);
        var notice = OwnerNoticeEmail.Compose(id, board, [], outcome)!;
        Assert.Equal(id, notice.BackstopBoardId);
        await storage.WriteStateAsync("dispatch", silo.Grains.GetGrain<IEmailDispatchGrain>(noticeId).GetGrainId(), new GrainState<DispatchState>(new DispatchState
        {
            Status = DispatchStatus.Pending,
            Message = notice,
            MessageId = MessageIds.For(noticeId, "kudos@example.test"),
            EnqueuedAt = board.Delivery.HandedOffAt,
            NextAttemptAt = board.Delivery.HandedOffAt,
        }));
        silo.Reminders.OnNextCall(lost.Board.GetGrainId(), "deliver");

        // An activation alone does not look at the notice: the reminder's tick does.
        Assert.Equal(BoardStatus.Delivered, (await lost.Board.GetOwnerViewAsync(lost.OwnerKey)).Status);

        var received = Assert.Single(await silo.Smtp.WaitForMessagesAsync(1, TimeSpan.FromSeconds(60), lost.Owner, ct));
        Assert.Contains("was delivered", received.Subject, StringComparison.Ordinal);
        var sent = await silo.Grains.GetGrain<IEmailDispatchGrain>(noticeId).GetAsync();
        Assert.Equal((DispatchStatus.Sent, 1), (sent.Status, sent.Attempts));
    }

    private async Task<GrainState<BoardState>> StoredBoardAsync(IBoardGrain board)
    {
        var stored = new GrainState<BoardState>(new BoardState());
        await silo.Services.GetRequiredKeyedService<IGrainStorage>(StorageNames.Kudos).ReadStateAsync("board", board.GetGrainId(), stored);
        return stored;
    }

    /// <summary>Writes a board delivered five minutes ago and its delivery's dispatch, as a crash left them.</summary>
    private async Task<CrashedDelivery> WriteCrashedDeliveryAsync(DispatchStatus dispatchStatus)
    {
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
        var sent = dispatchStatus == DispatchStatus.Sent;
        var dispatch = new DispatchState
        {
            Status = dispatchStatus,
            Message = email,
            MessageId = MessageIds.For(state.Delivery.DispatchId, "kudos@example.test"),
            EnqueuedAt = handedOff,
            NextAttemptAt = sent ? null : handedOff,
            Attempts = sent ? 1 : 0,
            SentAt = sent ? handedOff : null,
            FinishedAt = sent ? handedOff : null,
            ReportedStatus = sent ? DispatchStatus.Sent : DispatchStatus.None,
        };

        var board = silo.Grains.GetGrain<IBoardGrain>(id);
        var storage = silo.Services.GetRequiredKeyedService<IGrainStorage>(StorageNames.Kudos);
        await storage.WriteStateAsync("board", board.GetGrainId(), new GrainState<BoardState>(state));
        await storage.WriteStateAsync("dispatch", silo.Grains.GetGrain<IEmailDispatchGrain>(state.Delivery.DispatchId).GetGrainId(), new GrainState<DispatchState>(dispatch));
        return new CrashedDelivery(board, ownerKey, recipient, owner);
    }

    private sealed record CrashedDelivery(IBoardGrain Board, string OwnerKey, string Recipient, string Owner);
}
