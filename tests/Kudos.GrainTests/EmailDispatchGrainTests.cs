using Kudos.Grains;
using Kudos.Grains.Email;
using Kudos.Testing;
using Xunit;

namespace Kudos.GrainTests;

/// <summary>The dispatch grain in a silo: what it does while the transport holds its message, and retries with backoff.</summary>
public sealed class EmailDispatchGrainTests(GrainCluster cluster) : IClassFixture<GrainCluster>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static EmailMessage Message(string to) =>
        new([new Mailbox("", to)], "Your board", "<p>hi</p>", "hi", EmailTypes.Delivery, "grain-tests");

    private static string Unique(string who) => $"{who}-{Guid.NewGuid():N}@example.test";

    [Fact(Timeout = 60_000)]
    public async Task A_message_waiting_for_the_rate_limit_does_not_hold_its_grains_turn()
    {
        var first = cluster.Grains.GetGrain<IEmailDispatchGrain>($"grain-tests/{Guid.NewGuid():N}");
        var waiting = cluster.Grains.GetGrain<IEmailDispatchGrain>($"grain-tests/{Guid.NewGuid():N}");
        var firstId = first.GetPrimaryKeyString();
        var waitingId = waiting.GetPrimaryKeyString();

        // The first message takes the rate limiter's token; the second then waits about 2 s inside the transport.
        await first.EnqueueAsync(Message(Unique("first")));
        await cluster.Transport.Entered(firstId).WaitAsync(Ct);
        var message = Message(Unique("waiting"));
        await waiting.EnqueueAsync(message);
        await cluster.Transport.Entered(waitingId).WaitAsync(Ct);
        var answered = cluster.Transport.Answers(waitingId).ReadAsync(Ct).AsTask();

        // Calls that would queue behind a turn held for the send return at once: a repeated hand-off and a cancel.
        var again = await waiting.EnqueueAsync(message);
        var refused = await Assert.ThrowsAsync<KudosException>(() => waiting.CancelAsync());

        Assert.False(answered.IsCompleted, $"Dispatch {waitingId}: the calls waited for the send to finish.");
        Assert.Equal(DispatchStatus.Sending, again.Status);
        Assert.Equal("dispatch_not_cancellable", refused.Code);
        Assert.Equal(SendOutcome.Sent, (await answered.WaitAsync(Ct)).Outcome);
        Assert.Single(await cluster.Smtp.WaitForMessagesAsync(1, TimeSpan.FromSeconds(20), message.To[0].Address, Ct));
    }

    [Fact(Timeout = 60_000)]
    public async Task Transient_refusals_are_retried_with_backoff_and_the_message_is_sent_once()
    {
        var to = Unique("busy");
        await cluster.Smtp.AddFaultAsync(new SmtpFault(to, Code: 451, Message: "4.3.0 try later", Times: 2), Ct);
        var dispatch = cluster.Grains.GetGrain<IEmailDispatchGrain>($"grain-tests/{Guid.NewGuid():N}");

        await dispatch.EnqueueAsync(Message(to));

        var answers = cluster.Transport.Answers(dispatch.GetPrimaryKeyString());
        var outcomes = new List<SendOutcome>();
        do
        {
            outcomes.Add((await answers.ReadAsync(Ct)).Outcome);
        }
        while (outcomes[^1] != SendOutcome.Sent && outcomes.Count < 5);

        Assert.Equal([SendOutcome.Transient, SendOutcome.Transient, SendOutcome.Sent], outcomes);
        Assert.Single(await cluster.Smtp.WaitForMessagesAsync(1, TimeSpan.FromSeconds(30), to, Ct));
        var details = await dispatch.GetDetailsAsync();
        Assert.Equal(DispatchStatus.Sent, details.Dispatch.Status);
        Assert.Equal(["transient", "transient", "sent"], details.Attempts.Select(a => a.Outcome));
        Assert.Equal("451 4.3.0 try later", details.Attempts[0].ServerReply);
        // Backoff of 200 ms, then 400 ms (factor 2, no jitter) between the attempts' starts, at least.
        Assert.True(details.Attempts[1].StartedAt - details.Attempts[0].StartedAt >= TimeSpan.FromMilliseconds(200));
        Assert.True(details.Attempts[2].StartedAt - details.Attempts[1].StartedAt >= TimeSpan.FromMilliseconds(400));
    }
}
