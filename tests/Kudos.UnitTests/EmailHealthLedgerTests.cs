using Kudos.Grains.Analytics;
using Kudos.Grains.Email;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace Kudos.UnitTests;

/// <summary>A health partition's figures: each dispatch counts under its latest status by version, whatever the order signals arrive in.</summary>
public sealed class EmailHealthLedgerTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider _clock = new(Start);
    private readonly EmailHealthPartitionState _state = new();
    private readonly EmailHealthLedger _ledger;

    public EmailHealthLedgerTests() => _ledger = new EmailHealthLedger(_state, _clock);

    private HealthSignal Signal(string id, DispatchStatus status, int version, int attempts = 0, DateTimeOffset? enqueuedAt = null, bool resent = false) =>
        new(id, status, enqueuedAt ?? Start, attempts, _clock.GetUtcNow(), resent, version);

    [Fact]
    public void A_pending_signal_that_arrives_after_its_sending_leaves_no_phantom_pending()
    {
        Assert.True(_ledger.Apply(Signal("d1", DispatchStatus.Sending, version: 4, attempts: 1)));
        Assert.False(_ledger.Apply(Signal("d1", DispatchStatus.Pending, version: 0)));

        var figures = _ledger.Summarize();
        Assert.Equal((0, 1), (figures.Pending, figures.Sending));
        Assert.Null(figures.OldestPendingSince);
    }

    [Fact]
    public void Signals_of_a_finished_dispatch_that_arrive_after_it_finished_do_not_reopen_it()
    {
        Assert.True(_ledger.Apply(Signal("d1", DispatchStatus.Sent, version: 11, attempts: 2)));
        Assert.False(_ledger.Apply(Signal("d1", DispatchStatus.Sending, version: 8, attempts: 2)));
        Assert.False(_ledger.Apply(Signal("d1", DispatchStatus.Pending, version: 0)));
        Assert.False(_ledger.Apply(Signal("d1", DispatchStatus.Sent, version: 11, attempts: 2)));

        var figures = _ledger.Summarize();
        Assert.Equal((0, 0, 0), (figures.Pending, figures.Sending, figures.Held));
        Assert.Equal((1L, 2L), (figures.SentCount, figures.SentAttempts));
        Assert.Empty(_state.Open);
    }

    [Fact]
    public void Every_order_of_one_dispatchs_signals_ends_with_the_same_figures()
    {
        HealthSignal[] life =
        [
            Signal("d1", DispatchStatus.Pending, version: 0),
            Signal("d1", DispatchStatus.Sending, version: 4, attempts: 1),
            Signal("d1", DispatchStatus.Pending, version: 8, attempts: 1),
            Signal("d1", DispatchStatus.Sending, version: 12, attempts: 2),
            Signal("d1", DispatchStatus.Failed, version: 19, attempts: 2),
        ];
        foreach (var order in Permutations(life))
        {
            var state = new EmailHealthPartitionState();
            var ledger = new EmailHealthLedger(state, _clock);
            foreach (var signal in order)
            {
                ledger.Apply(signal);
            }

            var figures = ledger.Summarize();
            Assert.True(
                (figures.Pending, figures.Sending, figures.FailedLast24Hours) == (0, 0, 1),
                $"Applied in the order {string.Join(", ", order.Select(s => s.Version))}: {figures}");
        }
    }

    [Fact]
    public void Open_dispatches_are_counted_by_status_and_the_oldest_pending_is_the_earliest_enqueued()
    {
        _ledger.Apply(Signal("d1", DispatchStatus.Pending, 0, enqueuedAt: Start.AddMinutes(-5)));
        _ledger.Apply(Signal("d2", DispatchStatus.Pending, 0, enqueuedAt: Start.AddMinutes(-1)));
        _ledger.Apply(Signal("d3", DispatchStatus.Held, 1));
        _ledger.Apply(Signal("d4", DispatchStatus.Sending, 4, attempts: 1));

        var figures = _ledger.Summarize();
        Assert.Equal((2, 1, 1), (figures.Pending, figures.Sending, figures.Held));
        Assert.Equal(Start.AddMinutes(-5), figures.OldestPendingSince);

        _ledger.Apply(Signal("d1", DispatchStatus.Sending, 4, attempts: 1));
        Assert.Equal(Start.AddMinutes(-1), _ledger.Summarize().OldestPendingSince);
    }

    [Fact]
    public void Failures_count_for_a_day_and_resends_after_an_unknown_outcome_are_counted()
    {
        _ledger.Apply(Signal("d1", DispatchStatus.Failed, 3));
        _ledger.Apply(Signal("d2", DispatchStatus.Pending, 8, attempts: 1, resent: true));
        _clock.Advance(TimeSpan.FromHours(23));
        _ledger.Apply(Signal("d3", DispatchStatus.Failed, 3));

        var figures = _ledger.Summarize();
        Assert.Equal((2, 1L), (figures.FailedLast24Hours, figures.ResendsAfterUnknownOutcome));
        Assert.Equal(_clock.GetUtcNow(), figures.LastActivity);

        _clock.Advance(TimeSpan.FromHours(2));
        Assert.Equal(1, _ledger.Summarize().FailedLast24Hours);
        Assert.True(_ledger.Forget());
        Assert.Single(_state.FailuresPerMinute);
    }

    private static IEnumerable<HealthSignal[]> Permutations(HealthSignal[] items) =>
        items.Length <= 1
            ? [items]
            : items.SelectMany((item, i) => Permutations([.. items[..i], .. items[(i + 1)..]]).Select(rest => (HealthSignal[])[item, .. rest]));
}
