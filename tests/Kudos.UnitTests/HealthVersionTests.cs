using Kudos.Grains.Analytics;
using Kudos.Grains.Email;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace Kudos.UnitTests;

/// <summary>
/// The version a dispatch's health signals carry grows with every transition that publishes one, along every path of the
/// real <see cref="Dispatch"/> rules, so the health partitions can drop signals that arrive late.
/// </summary>
public sealed class HealthVersionTests
{
    private static readonly Dictionary<string, SuppressionView> None = [];

    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero));
    private readonly DispatchState _state = new();
    private readonly EmailOptions _options = new()
    {
        From = "Kudos <kudos@kudos.example>",
        Retry = new RetryPolicy { MaxAttempts = 3, BaseDelay = TimeSpan.FromSeconds(10), Factor = 3, Jitter = 0 },
    };

    private readonly List<(DispatchStatus Status, int Version)> _published = [];

    private Dispatch Dispatch => new("invitation/1", _state, _options, _clock, () => 0.5);

    private static EmailMessage Message => new([new Mailbox("Ada", "ada@example.com")], "Hello", "<p>hi</p>", "hi", EmailTypes.Delivery, "c1");

    /// <summary>Runs a transition (due now) and records the version it publishes, if it publishes one.</summary>
    private void Step(Func<Dispatch, DispatchDecision> transition)
    {
        _clock.Advance(TimeSpan.FromHours(1));
        if (transition(Dispatch).After.OfType<PublishHealth>().Any())
        {
            _published.Add((_state.Status, HealthVersion.Of(_state)));
        }
    }

    private void AssertIncreasing(params DispatchStatus[] expected)
    {
        Assert.Equal(expected, _published.Select(p => p.Status));
        for (var i = 1; i < _published.Count; i++)
        {
            Assert.True(_published[i].Version > _published[i - 1].Version, $"Not increasing: {string.Join(" → ", _published)}");
        }
    }

    [Fact]
    public void Retries_then_sent()
    {
        Step(d => d.Enqueue(Message, None));
        Step(d => d.BeginAttempt(None));
        Step(d => d.Record(new SendResult(SendOutcome.Transient, null, "timeout")));
        Step(d => d.BeginAttempt(None));
        Step(d => d.MarkOutcomeUnknown());
        Step(d => d.BeginAttempt(None));
        Step(d => d.Record(SendResult.Sent("250 ok")));
        AssertIncreasing(DispatchStatus.Pending, DispatchStatus.Sending, DispatchStatus.Pending, DispatchStatus.Sending, DispatchStatus.Pending, DispatchStatus.Sending, DispatchStatus.Sent);
    }

    [Fact]
    public void Held_released_held_by_the_provider_released_again_then_failed()
    {
        _options.AllowedRecipients = ["someone-else@example.com"];
        Step(d => d.Enqueue(Message, None));
        Step(d => d.Release());
        Step(d => d.BeginAttempt(None));
        Step(d => d.Record(new SendResult(SendOutcome.Permanent, "554 Message rejected: Email address is not verified", "refused", 554)));
        Step(d => d.Release());
        Step(d => d.BeginAttempt(None));
        Step(d => d.Record(new SendResult(SendOutcome.Permanent, "550 refused", "refused", 550)));
        AssertIncreasing(DispatchStatus.Held, DispatchStatus.Pending, DispatchStatus.Sending, DispatchStatus.Held, DispatchStatus.Pending, DispatchStatus.Sending, DispatchStatus.Failed);
    }

    [Fact]
    public void Pending_then_held_at_the_attempt_then_cancelled()
    {
        Step(d => d.Enqueue(Message, None));
        _options.AllowedRecipients = ["someone-else@example.com"];
        Step(d => d.BeginAttempt(None));
        Step(d => d.Cancel());
        AssertIncreasing(DispatchStatus.Pending, DispatchStatus.Held, DispatchStatus.Cancelled);
    }

    [Fact]
    public void Pending_after_a_retry_then_suppressed_at_the_attempt()
    {
        Step(d => d.Enqueue(Message, None));
        Step(d => d.BeginAttempt(None));
        Step(d => d.Record(new SendResult(SendOutcome.Transient, null, "timeout")));
        Step(d => d.BeginAttempt(new Dictionary<string, SuppressionView>
        {
            ["ada@example.com"] = new("ada@example.com", SuppressionReason.Complaint, _clock.GetUtcNow(), null, "complained"),
        }));
        AssertIncreasing(DispatchStatus.Pending, DispatchStatus.Sending, DispatchStatus.Pending, DispatchStatus.Suppressed);
    }
}
