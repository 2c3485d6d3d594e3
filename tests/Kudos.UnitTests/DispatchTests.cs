using Kudos.Grains;
using Kudos.Grains.Email;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace Kudos.UnitTests;

/// <summary>Every transition of a dispatch and the effects it asks for, on a fake clock.</summary>
public sealed class DispatchTests
{
    private const string Id = "board-delivery/1";
    private static readonly DateTimeOffset Start = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
    private static readonly Guid Board = Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e");
    private static readonly Dictionary<string, SuppressionView> None = [];

    private readonly FakeTimeProvider _clock = new(Start);
    private readonly DispatchState _state = new();
    private readonly EmailOptions _options = new()
    {
        From = "Kudos <kudos@kudos.example>",
        Retry = new RetryPolicy { MaxAttempts = 3, BaseDelay = TimeSpan.FromSeconds(10), Factor = 3, Jitter = 0 },
    };

    private Dispatch Dispatch => new(Id, _state, _options, _clock, () => 0.5);

    private static EmailMessage Message(string to = "ada@example.com", string type = EmailTypes.Delivery, Guid? board = null, DateTimeOffset? scheduledFor = null, int? maxAttempts = null, int priority = 2) =>
        new([new Mailbox("Ada", to)], "Your board", "<p>hi</p>", "hi", type, "c1", Priority: priority, ScheduledFor: scheduledFor, MaxAttempts: maxAttempts, OutcomeBoardId: board);

    private static SuppressionView Suppression(string address, SuppressionReason reason) => new(address, reason, Start.AddDays(-1), null, "earlier");

    private DispatchDecision Enqueue(EmailMessage? message = null) => Dispatch.Enqueue(message ?? Message(board: Board), None);

    private OutgoingEmail Begin()
    {
        var decision = Dispatch.BeginAttempt(None);
        return Assert.IsType<OutgoingEmail>(decision.Send);
    }

    // ---- Enqueue

    [Fact]
    public void Enqueue_stores_the_message_as_pending_due_now_and_schedules_it()
    {
        var decision = Enqueue();

        Assert.True(decision.Write);
        Assert.Equal(DispatchStatus.Pending, _state.Status);
        Assert.Equal(Start, _state.NextAttemptAt);
        Assert.Equal(Start, _state.EnqueuedAt);
        Assert.Equal(MessageIds.For(Id, _options.From), _state.MessageId);
        // Its board keeps a reminder until it is told the outcome: the first attempt needs only a timer.
        Assert.Equal([new PublishHealth(), new ScheduleAttempt(Backstopped: true)], decision.After);
        Assert.Empty(decision.Before);
    }

    [Fact]
    public void A_message_no_board_waits_for_schedules_its_first_attempt_with_a_reminder()
    {
        var decision = Enqueue(Message(type: EmailTypes.Invitation));

        Assert.Equal([new PublishHealth(), new ScheduleAttempt()], decision.After);
    }

    [Fact]
    public void An_owner_notice_whose_board_backstops_it_is_attempted_on_a_timer_only_and_releases_its_board_when_sent()
    {
        var notice = Message(type: EmailTypes.OwnerNotice) with { BackstopBoardId = Board };

        var decision = Enqueue(notice);
        Assert.Equal([new PublishHealth(), new ScheduleAttempt(Backstopped: true)], decision.After);

        Begin();
        var sent = Dispatch.Record(SendResult.Sent("250 ok")).After;
        Assert.DoesNotContain(sent, e => e is ReportToBoard);
        Assert.False(Dispatch.NeedsReport);
        // The board that backstopped the attempt may drop its reminder.
        Assert.Contains(new ReleaseBackstop(Board), sent);
    }

    [Fact]
    public void A_backstopped_notice_that_must_retry_keeps_its_own_schedule_and_releases_its_board()
    {
        Enqueue(Message(type: EmailTypes.OwnerNotice) with { BackstopBoardId = Board });
        Begin();

        var retry = Dispatch.Record(new SendResult(SendOutcome.Transient, "421 4.3.0 try later", "busy", 421));

        Assert.Equal(DispatchStatus.Pending, Dispatch.Status);
        Assert.Contains(new ScheduleAttempt(), retry.After);
        Assert.Contains(new ReleaseBackstop(Board), retry.After);
    }

    [Fact]
    public void A_scheduled_message_is_due_at_its_instant_and_a_past_one_now()
    {
        Dispatch.Enqueue(Message(scheduledFor: Start.AddHours(2)), None);
        Assert.Equal(Start.AddHours(2), Dispatch.NextAttemptDue);

        var other = new DispatchState();
        new Dispatch("x", other, _options, _clock).Enqueue(Message(scheduledFor: Start.AddHours(-2)), None);
        Assert.Equal(Start, other.NextAttemptAt);
    }

    [Fact]
    public void A_repeated_enqueue_changes_nothing_and_only_restores_a_lost_reminder_while_pending()
    {
        Enqueue();
        _clock.Advance(TimeSpan.FromMinutes(1));

        var again = Dispatch.Enqueue(Message(to: "someone-else@example.com"), None);

        Assert.False(again.Write);
        Assert.Equal([new ScheduleAttempt(IfMissing: true)], again.After);
        Assert.Equal("ada@example.com", _state.Message!.To[0].Address);
        Assert.Equal(Start, _state.EnqueuedAt);

        Begin();
        Assert.Same(DispatchDecision.Nothing, Dispatch.Enqueue(Message(), None));
    }

    [Theory]
    [InlineData(0, null, "priority")]
    [InlineData(11, null, "priority")]
    [InlineData(5, 0, "maxAttempts")]
    [InlineData(5, 101, "maxAttempts")]
    public void Invalid_messages_are_refused_naming_the_field(int priority, int? maxAttempts, string field)
    {
        var error = Assert.Throws<KudosException>(() => Dispatch.Enqueue(Message(priority: priority, maxAttempts: maxAttempts), None));
        Assert.Equal(field, error.Field);
        Assert.Equal(DispatchStatus.None, _state.Status);
    }

    [Fact]
    public void A_message_without_recipients_or_scheduled_too_far_ahead_is_refused()
    {
        Assert.Equal("to", Assert.Throws<KudosException>(() => Dispatch.Enqueue(Message() with { To = [] }, None)).Field);
        Assert.Equal("scheduledFor", Assert.Throws<KudosException>(() => Dispatch.Enqueue(Message(scheduledFor: Start.AddDays(400)), None)).Field);
    }

    [Fact]
    public void Enqueue_to_a_suppressed_address_ends_suppressed_counted_and_reported()
    {
        var suppressions = new Dictionary<string, SuppressionView> { ["ada@example.com"] = Suppression("ada@example.com", SuppressionReason.Bounce) };

        var decision = Dispatch.Enqueue(Message(to: "Ada@Example.com", board: Board), suppressions);

        Assert.Equal(DispatchStatus.Suppressed, _state.Status);
        Assert.StartsWith("Ada@Example.com is suppressed (Bounce since", _state.LastError, StringComparison.Ordinal);
        Assert.Equal(Start, _state.FinishedAt);
        Assert.Null(_state.NextAttemptAt);
        Assert.Equal([new PublishHealth(), new CountEmail(EmailCounters.Suppressed, Id, Start), new ReportToBoard(Board)], decision.After);
    }

    [Fact]
    public void An_unsubscribe_suppresses_invitations_but_not_deliveries()
    {
        var suppressions = new Dictionary<string, SuppressionView> { ["ada@example.com"] = Suppression("ada@example.com", SuppressionReason.Unsubscribe) };

        Dispatch.Enqueue(Message(), suppressions);
        Assert.Equal(DispatchStatus.Pending, _state.Status);

        var invitation = new DispatchState();
        new Dispatch("inv", invitation, _options, _clock).Enqueue(Message(type: EmailTypes.Invitation), suppressions);
        Assert.Equal(DispatchStatus.Suppressed, invitation.Status);
    }

    [Fact]
    public void A_recipient_outside_the_allowed_list_is_held_indexed_and_reported()
    {
        _options.AllowedRecipients = ["@corp.example"];

        var decision = Enqueue();

        Assert.Equal(DispatchStatus.Held, _state.Status);
        Assert.Contains("not in Email:AllowedRecipients", _state.LastError, StringComparison.Ordinal);
        Assert.Equal([new PublishHealth(), new IndexHeld(true), new ReportToBoard(Board)], decision.After);
    }

    // ---- Accept (the grain's hand-off)

    [Fact]
    public void A_message_due_now_is_accepted_as_its_first_attempt_in_one_write()
    {
        var decision = Dispatch.Accept(Message(board: Board), None);

        Assert.True(decision.Write);
        Assert.Equal(DispatchStatus.Sending, _state.Status);
        Assert.Equal(1, _state.Attempts);
        Assert.Equal(Start, _state.EnqueuedAt);
        Assert.Equal(Start, _state.LastAttemptAt);
        Assert.Null(Assert.Single(_state.History).EndedAt);
        var email = Assert.IsType<OutgoingEmail>(decision.Send);
        Assert.Equal(_state.MessageId, email.MessageId);
        // One health signal (it reads the status the write stores) and the enqueue's schedule: the timer sends it.
        Assert.Equal([new PublishHealth(), new ScheduleAttempt(Backstopped: true)], decision.After);

        // Cut short by a crash, it goes again, as any attempt found Sending does.
        Assert.True(Dispatch.MarkOutcomeUnknown().Write);
        Assert.Equal(DispatchStatus.Pending, _state.Status);
        Assert.Equal("unknown", _state.History[0].Outcome);
    }

    [Fact]
    public void A_message_scheduled_ahead_a_suppressed_one_and_a_repeat_are_accepted_as_enqueue_decides()
    {
        Assert.Null(Dispatch.Accept(Message(scheduledFor: Start.AddMinutes(5)), None).Send);
        Assert.Equal(DispatchStatus.Pending, _state.Status);
        Assert.Equal(0, _state.Attempts);

        var suppressed = new DispatchState();
        var suppressions = new Dictionary<string, SuppressionView> { ["ada@example.com"] = Suppression("ada@example.com", SuppressionReason.Bounce) };
        var refused = new Dispatch("s", suppressed, _options, _clock).Accept(Message(), suppressions);
        Assert.Null(refused.Send);
        Assert.Equal(DispatchStatus.Suppressed, suppressed.Status);
        Assert.Empty(suppressed.History);

        var sending = new DispatchState();
        var dispatch = new Dispatch("n", sending, _options, _clock);
        dispatch.Accept(Message(), None);
        Assert.Same(DispatchDecision.Nothing, dispatch.Accept(Message(), None));
    }

    // ---- BeginAttempt

    [Fact]
    public void An_attempt_is_recorded_as_sending_before_the_message_goes()
    {
        Enqueue();
        _clock.Advance(TimeSpan.FromSeconds(1));

        var decision = Dispatch.BeginAttempt(None);

        Assert.True(decision.Write);
        Assert.Equal(DispatchStatus.Sending, _state.Status);
        Assert.Equal(1, _state.Attempts);
        Assert.Equal(Start.AddSeconds(1), _state.LastAttemptAt);
        var attempt = Assert.Single(_state.History);
        Assert.Null(attempt.EndedAt);
        Assert.Equal([new PublishHealth()], decision.After);
        var email = Assert.IsType<OutgoingEmail>(decision.Send);
        Assert.Equal(Id, email.DispatchId);
        Assert.Equal(_state.MessageId, email.MessageId);
        Assert.Equal(2, email.Priority);
        Assert.Equal(Start, email.EnqueuedAt);
    }

    [Fact]
    public void An_early_tick_reschedules_without_attempting()
    {
        Dispatch.Enqueue(Message(scheduledFor: Start.AddMinutes(5)), None);
        _clock.Advance(TimeSpan.FromMinutes(5) - TimeSpan.FromMilliseconds(3));

        var decision = Dispatch.BeginAttempt(None);

        Assert.False(decision.Write);
        Assert.Null(decision.Send);
        Assert.Equal([new ScheduleAttempt()], decision.After);
        Assert.Equal(DispatchStatus.Pending, _state.Status);
    }

    [Fact]
    public void A_tick_after_the_end_only_stops_the_schedule()
    {
        Enqueue();
        Begin();
        Dispatch.Record(SendResult.Sent("250 ok"));

        var decision = Dispatch.BeginAttempt(None);

        Assert.False(decision.Write);
        Assert.Equal([new StopAttempts()], decision.After);
    }

    [Fact]
    public void An_address_suppressed_since_enqueue_stops_the_attempt()
    {
        Enqueue();
        var suppressions = new Dictionary<string, SuppressionView> { ["ada@example.com"] = Suppression("ada@example.com", SuppressionReason.Complaint) };

        var decision = Dispatch.BeginAttempt(suppressions);

        Assert.Null(decision.Send);
        Assert.Equal(DispatchStatus.Suppressed, _state.Status);
        Assert.Equal(0, _state.Attempts);
        Assert.Equal([new PublishHealth(), new CountEmail(EmailCounters.Suppressed, Id, Start), new ReportToBoard(Board), new StopAttempts()], decision.After);
    }

    // ---- Record

    [Fact]
    public void An_accepted_message_is_sent_indexed_by_provider_id_counted_and_reported()
    {
        Enqueue();
        Begin();
        _clock.Advance(TimeSpan.FromMilliseconds(40));

        var decision = Dispatch.Record(SendResult.Sent("250 2.0.0 Ok: queued as 4F2A1B"));

        Assert.Equal(DispatchStatus.Sent, _state.Status);
        var sentAt = Start.AddMilliseconds(40);
        Assert.Equal(sentAt, _state.SentAt);
        Assert.Equal("4F2A1B", _state.ProviderMessageId);
        Assert.Equal("sent", _state.History[0].Outcome);
        Assert.Equal(sentAt, _state.History[0].EndedAt);
        Assert.Equal(
            [new PublishHealth(), new StopAttempts(), new IndexProviderMessage("4F2A1B"), new CountEmail(EmailCounters.Sent, Id, sentAt), new ReportToBoard(Board)],
            decision.After);
    }

    [Fact]
    public void A_transient_failure_retries_after_the_backoff_and_is_not_reported()
    {
        Enqueue();
        Begin();

        var decision = Dispatch.Record(new SendResult(SendOutcome.Transient, "451 4.3.0 try later", "busy", 451));

        Assert.Equal(DispatchStatus.Pending, _state.Status);
        Assert.Equal(Start.AddSeconds(10), _state.NextAttemptAt);
        Assert.Equal("busy", _state.LastError);
        Assert.Equal("transient", _state.History[0].Outcome);
        Assert.Equal([new PublishHealth(), new ScheduleAttempt()], decision.After);

        _clock.Advance(TimeSpan.FromSeconds(10));
        Begin();
        Dispatch.Record(new SendResult(SendOutcome.Transient, null, "timeout"));
        Assert.Equal(Start.AddSeconds(10 + 30), _state.NextAttemptAt);
    }

    [Fact]
    public void Transient_failures_give_up_after_the_last_attempt()
    {
        Dispatch.Enqueue(Message(maxAttempts: 2, board: Board), None);
        Begin();
        Dispatch.Record(new SendResult(SendOutcome.Transient, null, "timeout"));
        _clock.Advance(TimeSpan.FromSeconds(10));
        Begin();

        var decision = Dispatch.Record(new SendResult(SendOutcome.Transient, null, "timeout again"));

        Assert.Equal(DispatchStatus.Failed, _state.Status);
        Assert.Equal("Gave up after 2 attempts: timeout again", _state.LastError);
        Assert.Equal(
            [new PublishHealth(), new StopAttempts(), new CountEmail(EmailCounters.Failed, Id, Start.AddSeconds(10)), new ReportToBoard(Board)],
            decision.After);
    }

    [Fact]
    public void A_refused_unknown_user_fails_for_good_and_is_suppressed_as_a_bounce()
    {
        Enqueue();
        Begin();

        var decision = Dispatch.Record(new SendResult(SendOutcome.Permanent, "550 5.1.1 No such user", "refused", 550, "Ada@Example.com"));

        Assert.Equal(DispatchStatus.Failed, _state.Status);
        Assert.Equal("permanent", _state.History[0].Outcome);
        Assert.Contains(new SuppressAddress("ada@example.com", SuppressionReason.Bounce, $"550 5.1.1 No such user (dispatch {Id})"), decision.After);
    }

    [Fact]
    public void A_permanent_refusal_that_is_not_about_the_address_suppresses_nothing()
    {
        Enqueue();
        Begin();

        var decision = Dispatch.Record(new SendResult(SendOutcome.Permanent, "554 5.7.1 Relaying denied", "refused", 554));

        Assert.Equal(DispatchStatus.Failed, _state.Status);
        Assert.DoesNotContain(decision.After, e => e is SuppressAddress);
    }

    [Fact]
    public void A_sandbox_refusal_holds_the_message()
    {
        Enqueue();
        Begin();

        var decision = Dispatch.Record(new SendResult(SendOutcome.Permanent, "554 Message rejected: Email address is not verified.", "refused", 554));

        Assert.Equal(DispatchStatus.Held, _state.Status);
        Assert.Equal("held", _state.History[0].Outcome);
        Assert.Equal([new PublishHealth(), new StopAttempts(), new IndexHeld(true), new ReportToBoard(Board)], decision.After);
    }

    [Fact]
    public void A_result_without_an_attempt_in_progress_changes_nothing()
    {
        Enqueue();
        Assert.Same(DispatchDecision.Nothing, Dispatch.Record(SendResult.Sent("250 ok")));
    }

    // ---- Crash cases

    [Fact]
    public void A_dispatch_found_sending_after_a_crash_is_of_unknown_outcome_and_due_again_at_once()
    {
        Enqueue();
        Begin();
        _clock.Advance(TimeSpan.FromMinutes(3));

        var decision = Dispatch.MarkOutcomeUnknown();

        Assert.Equal(DispatchStatus.Pending, _state.Status);
        Assert.Equal(Start.AddMinutes(3), _state.NextAttemptAt);
        Assert.Equal("unknown", _state.History[0].Outcome);
        Assert.Equal(Start.AddMinutes(3), _state.History[0].EndedAt);
        Assert.Equal([new PublishHealth(ResentAfterUnknownOutcome: true), new ScheduleAttempt()], decision.After);

        // The retry is a new attempt with the same Message-ID, so the resend is recognisable.
        var retry = Begin();
        Assert.Equal(2, _state.Attempts);
        Assert.Equal(_state.MessageId, retry.MessageId);
    }

    [Fact]
    public void Only_a_dispatch_left_sending_is_marked_unknown()
    {
        Enqueue();
        Assert.Same(DispatchDecision.Nothing, Dispatch.MarkOutcomeUnknown());
        Assert.Equal(DispatchStatus.Pending, _state.Status);
    }

    // ---- Provider events

    private static ProviderEvent Event(string id, string type, string? bounceType = null, string? recipient = null) =>
        new(id, type, Start.AddMinutes(1), "4F2A1B", bounceType, recipient, null);

    private void Sent()
    {
        Enqueue();
        Begin();
        Dispatch.Record(SendResult.Sent("250 2.0.0 Ok: queued as 4F2A1B"));
        Dispatch.MarkReported(DispatchStatus.Sent);
    }

    [Fact]
    public void A_delivered_event_moves_a_sent_message_forward_and_is_counted_once_per_dispatch()
    {
        Sent();

        var decision = Dispatch.ApplyProviderEvent(Event("wh1", ProviderEventTypes.Delivered));

        Assert.Equal(DispatchStatus.Delivered, _state.Status);
        Assert.Empty(decision.Before);
        Assert.Equal([new CountEmail(EmailCounters.Delivered, Id, Start.AddMinutes(1))], decision.After);
        Assert.Single(_state.Events);
    }

    [Fact]
    public void A_repeated_event_is_applied_once()
    {
        Sent();
        Dispatch.ApplyProviderEvent(Event("wh1", ProviderEventTypes.Opened));

        Assert.Same(DispatchDecision.Nothing, Dispatch.ApplyProviderEvent(Event("wh1", ProviderEventTypes.Opened)));
        Assert.Equal(1, _state.Opens);
    }

    [Fact]
    public void A_hard_bounce_suppresses_the_address_before_the_write_and_is_reported()
    {
        Sent();

        var decision = Dispatch.ApplyProviderEvent(Event("wh2", ProviderEventTypes.Bounced, "Permanent"));

        Assert.Equal(DispatchStatus.Bounced, _state.Status);
        Assert.Equal([new SuppressAddress("ada@example.com", SuppressionReason.Bounce, $"email.bounced Permanent (dispatch {Id})")], decision.Before);
        Assert.Equal([new CountEmail(EmailCounters.Bounced, "wh2", Start.AddMinutes(1)), new ReportToBoard(Board)], decision.After);
    }

    [Fact]
    public void A_soft_bounce_counts_towards_a_temporary_suppression_and_keeps_the_status()
    {
        Sent();

        var decision = Dispatch.ApplyProviderEvent(Event("wh3", ProviderEventTypes.Bounced, "Transient", recipient: "Other@Example.com"));

        Assert.Equal(DispatchStatus.Sent, _state.Status);
        Assert.Equal(
            [new CountSoftBounce("other@example.com", _options.SoftBounceLimit, Start + _options.SoftBounceSuppression, $"email.bounced Transient (dispatch {Id})")],
            decision.Before);
    }

    [Fact]
    public void A_complaint_suppresses_the_address_and_outranks_a_bounce()
    {
        Sent();
        Dispatch.ApplyProviderEvent(Event("wh4", ProviderEventTypes.Bounced, "hard"));

        var decision = Dispatch.ApplyProviderEvent(Event("wh5", ProviderEventTypes.Complained));

        Assert.Equal(DispatchStatus.Complained, _state.Status);
        Assert.Equal([new SuppressAddress("ada@example.com", SuppressionReason.Complaint, $"email.complained (dispatch {Id})")], decision.Before);
    }

    [Fact]
    public void Status_only_moves_forward_whatever_order_the_events_arrive_in()
    {
        Sent();
        Dispatch.ApplyProviderEvent(Event("wh6", ProviderEventTypes.Complained));

        Dispatch.ApplyProviderEvent(Event("wh7", ProviderEventTypes.Delivered));
        Dispatch.ApplyProviderEvent(Event("wh8", ProviderEventTypes.Bounced, "Permanent"));

        Assert.Equal(DispatchStatus.Complained, _state.Status);
        Assert.Equal(3, _state.Events.Count);
    }

    [Fact]
    public void An_event_before_the_message_was_sent_is_recorded_without_moving_the_status()
    {
        Enqueue();

        Dispatch.ApplyProviderEvent(Event("wh9", ProviderEventTypes.Delivered));

        Assert.Equal(DispatchStatus.Pending, _state.Status);
        Assert.Single(_state.Events);
    }

    [Fact]
    public void Opens_and_clicks_are_counted_per_event()
    {
        Sent();

        var open = Dispatch.ApplyProviderEvent(Event("wh10", ProviderEventTypes.Opened));
        Dispatch.ApplyProviderEvent(Event("wh11", ProviderEventTypes.Opened));
        var click = Dispatch.ApplyProviderEvent(Event("wh12", ProviderEventTypes.Clicked));

        Assert.Equal((2, 1), (_state.Opens, _state.Clicks));
        Assert.Equal([new CountEmail(EmailCounters.Opened, "wh10", Start.AddMinutes(1))], open.After);
        Assert.Equal([new CountEmail(EmailCounters.Clicked, "wh12", Start.AddMinutes(1))], click.After);
    }

    [Fact]
    public void Events_older_than_the_retention_are_dropped_by_the_dispatch_itself()
    {
        Sent();
        Dispatch.ApplyProviderEvent(Event("old", ProviderEventTypes.Opened));
        _clock.Advance(_options.EventRetention + TimeSpan.FromSeconds(1));

        Assert.True(Dispatch.DropExpiredEvents());
        Assert.Empty(_state.Events);
        Assert.False(Dispatch.DropExpiredEvents());
        Assert.Contains("old", _state.AppliedEventIds);
    }

    // ---- Cancel and release

    [Fact]
    public void A_pending_message_can_be_cancelled_once()
    {
        Enqueue();

        var decision = Dispatch.Cancel();

        Assert.Equal(DispatchStatus.Cancelled, _state.Status);
        Assert.Equal("Cancelled before it was sent.", _state.LastError);
        Assert.Equal([new PublishHealth(), new StopAttempts()], decision.After);
        Assert.Same(DispatchDecision.Nothing, Dispatch.Cancel());
    }

    [Fact]
    public void Cancelling_a_held_message_removes_it_from_the_held_index()
    {
        _options.AllowedRecipients = ["@corp.example"];
        Enqueue();

        Assert.Equal([new PublishHealth(), new StopAttempts(), new IndexHeld(false)], Dispatch.Cancel().After);
    }

    [Fact]
    public void Only_pending_or_held_messages_can_be_cancelled()
    {
        Assert.Equal(KudosErrorKind.NotFound, Assert.Throws<KudosException>(() => Dispatch.Cancel()).Kind);
        Enqueue();
        Begin();
        Assert.Equal("dispatch_not_cancellable", Assert.Throws<KudosException>(() => Dispatch.Cancel()).Code);
    }

    [Fact]
    public void A_released_message_is_due_at_once_and_bypasses_the_allowed_list()
    {
        _options.AllowedRecipients = ["@corp.example"];
        Enqueue();
        _clock.Advance(TimeSpan.FromMinutes(2));

        var decision = Dispatch.Release();

        Assert.Equal(DispatchStatus.Pending, _state.Status);
        Assert.True(_state.Released);
        Assert.Null(_state.FinishedAt);
        Assert.Equal(Start.AddMinutes(2), _state.NextAttemptAt);
        Assert.Equal([new PublishHealth(), new ScheduleAttempt(), new IndexHeld(false)], decision.After);
        Assert.NotNull(Dispatch.BeginAttempt(None).Send);
    }

    [Fact]
    public void Only_a_held_message_can_be_released()
    {
        Assert.Equal(KudosErrorKind.NotFound, Assert.Throws<KudosException>(() => Dispatch.Release()).Kind);
        Enqueue();
        Assert.Equal("dispatch_not_held", Assert.Throws<KudosException>(() => Dispatch.Release()).Code);
    }

    // ---- Reporting and views

    [Fact]
    public void Each_outcome_is_reported_to_the_board_once()
    {
        Enqueue();
        Begin();
        Dispatch.Record(SendResult.Sent("250 ok"));
        Assert.True(Dispatch.NeedsReport);

        var marked = Dispatch.MarkReported(DispatchStatus.Sent);
        Assert.Equal([], marked.After);
        Assert.False(marked.Write);
        Assert.False(Dispatch.NeedsReport);

        Dispatch.ApplyProviderEvent(Event("wh13", ProviderEventTypes.Bounced, "Permanent"));
        Assert.True(Dispatch.NeedsReport);
    }

    [Fact]
    public void A_status_that_moved_on_while_the_board_was_told_is_reported_next()
    {
        Sent();
        Dispatch.ApplyProviderEvent(Event("wh14", ProviderEventTypes.Complained));

        Assert.Equal([new ReportToBoard(Board)], Dispatch.MarkReported(DispatchStatus.Sent).After);
    }

    [Fact]
    public void A_message_without_a_board_is_never_reported()
    {
        Dispatch.Enqueue(Message(), None);
        Begin();
        var sent = Dispatch.Record(SendResult.Sent("250 ok")).After;
        Assert.DoesNotContain(sent, e => e is ReportToBoard or ReleaseBackstop);
        Assert.False(Dispatch.NeedsReport);
    }

    [Fact]
    public void The_view_and_details_show_the_state()
    {
        Enqueue();
        Begin();
        Dispatch.Record(new SendResult(SendOutcome.Transient, "451 later", "busy", 451));

        var view = Dispatch.View();
        var details = Dispatch.Details();

        Assert.Equal((Id, DispatchStatus.Pending, 1, 2, "c1"), (view.Id, view.Status, view.Attempts, view.Priority, view.CorrelationId));
        Assert.Equal(_state.MessageId, view.MessageId);
        Assert.Equal("ada@example.com", Assert.Single(details.To).Address);
        Assert.Equal(("transient", "451 later"), (details.Attempts[0].Outcome, details.Attempts[0].ServerReply));
        Assert.Null(new Dispatch("none", new DispatchState(), _options, _clock).View().MessageId);
    }
}
