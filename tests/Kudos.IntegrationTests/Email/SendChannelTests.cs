using Kudos.Grains.Email;
using Kudos.Silo.Email;
using Xunit;
using static Kudos.IntegrationTests.Email.TransportHarness;

namespace Kudos.IntegrationTests.Email;

/// <summary>The channel in front of the SMTP senders, driven by a send that the test holds open: shutdown and the concurrency bound.</summary>
public sealed class SendChannelTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact(Timeout = 30_000)]
    public async Task Dispose_lets_the_send_in_flight_finish_and_answers_the_waiting_ones_as_transient()
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var queue = new SendChannel(
            Senders(1, async (_, ct) =>
            {
                started.TrySetResult();
                await release.Task.WaitAsync(ct);
                return SendResult.Sent("250 OK");
            }),
            _ => new SendResult(SendOutcome.Transient, null, "shutting down"),
            maxPerSecond: 0);

        var inFlight = queue.SendAsync(NewEmail("a@example.test"), Ct);
        await started.Task.WaitAsync(Ct);
        var waiting = new[] { queue.SendAsync(NewEmail("b@example.test"), Ct), queue.SendAsync(NewEmail("c@example.test"), Ct) };
        var disposing = queue.DisposeAsync().AsTask();

        var abandoned = await Task.WhenAll(waiting);
        Assert.All(abandoned, r => Assert.Equal("shutting down", r.Error));
        Assert.False(disposing.IsCompleted);
        Assert.False(inFlight.IsCompleted);

        release.SetResult();
        await disposing;
        Assert.Equal(SendOutcome.Sent, (await inFlight).Outcome);
        Assert.Equal("shutting down", (await queue.SendAsync(NewEmail("d@example.test"), Ct)).Error);
    }

    [Fact(Timeout = 30_000)]
    public async Task At_most_MaxConcurrency_sends_run_at_once()
    {
        var running = 0;
        var peak = 0;
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var threeStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var queue = new SendChannel(
            Senders(3, async (_, ct) =>
            {
                var now = Interlocked.Increment(ref running);
                InterlockedMax(ref peak, now);
                if (now == 3)
                {
                    threeStarted.TrySetResult();
                }

                await release.Task.WaitAsync(ct);
                Interlocked.Decrement(ref running);
                return SendResult.Sent("250 OK");
            }),
            _ => new SendResult(SendOutcome.Transient, null, "shutting down"),
            maxPerSecond: 0);

        var sends = Enumerable.Range(0, 20).Select(i => queue.SendAsync(NewEmail($"{i}@example.test"), Ct)).ToList();
        await threeStarted.Task.WaitAsync(Ct);
        Assert.Equal(17, queue.Waiting);
        release.SetResult();

        await Task.WhenAll(sends);
        Assert.Equal(3, peak);
    }

    [Fact(Timeout = 30_000)]
    public async Task A_caller_sending_one_message_after_another_keeps_the_same_worker_and_its_connection()
    {
        // Each worker owns one SMTP connection: a caller that sends its next message as soon as the last one's outcome is
        // known must find the worker it just used free again, not open a second connection on another worker.
        var used = new List<int>();
        await using var queue = new SendChannel(
            [.. Enumerable.Range(0, 4).Select(worker => (Func<OutgoingEmail, CancellationToken, Task<SendResult>>)(async (_, _) =>
            {
                await Task.Yield();
                lock (used)
                {
                    used.Add(worker);
                }

                return SendResult.Sent("250 OK");
            }))],
            _ => new SendResult(SendOutcome.Transient, null, "shutting down"),
            maxPerSecond: 0);

        for (var i = 0; i < 200; i++)
        {
            Assert.Equal(SendOutcome.Sent, (await queue.SendAsync(NewEmail($"seq{i}@example.test"), Ct)).Outcome);
        }

        Assert.Equal(200, used.Count);
        Assert.All(used, worker => Assert.Equal(used[0], worker));
    }

    /// <summary>One sender per worker: <paramref name="workers"/> workers sharing <paramref name="send"/>.</summary>
    private static Func<OutgoingEmail, CancellationToken, Task<SendResult>>[] Senders(int workers, Func<OutgoingEmail, CancellationToken, Task<SendResult>> send)
        => [.. Enumerable.Repeat(send, workers)];

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}
