using Kudos.EndToEndTests.Infrastructure;
using Kudos.Grains.Email;
using Kudos.Testing;
using Xunit;

namespace Kudos.EndToEndTests;

/// <summary>Its own stack: a low send-rate limit, so messages queue up in the silo's transport.</summary>
public sealed class PriorityTests(ITestOutputHelper output)
{
    [Fact(Timeout = 240_000)]
    public async Task Under_a_low_rate_limit_300_messages_reach_the_server_in_priority_order()
    {
        var ct = TestContext.Current.CancellationToken;
        const int count = 300;
        const int ratePerSecond = 20;
        await using var stack = await KudosStack.StartAsync("priority", ct, new Dictionary<string, string>
        {
            ["Smtp__MaxMessagesPerSecond"] = ratePerSecond.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Smtp__MaxConcurrency"] = "1",
            ["Smtp__MaxConnections"] = "1",
        });
        await using var grains = await GrainClient.ConnectAsync(stack, ct);

        // All due at one instant, so every attempt reaches the transport's queue before the limit lets most of them go.
        var due = DateTimeOffset.UtcNow.AddSeconds(8);
        var random = new Random(20261123);
        var priorities = Enumerable.Range(0, count).Select(_ => random.Next(1, 11)).ToArray();
        await Task.WhenAll(Enumerable.Range(0, count).Select(i => grains.Client.GetGrain<IEmailDispatchGrain>($"test-priority/{i:000}").EnqueueAsync(
            new EmailMessage([new Mailbox("P", $"p{i:000}@example.test")], $"p{priorities[i]:00}-{i:000}", "<p>p</p>", "p", EmailTypes.OwnerNotice, null, Priority: priorities[i], ScheduledFor: due))));
        Assert.True(DateTimeOffset.UtcNow < due, "Enqueueing took longer than the head start; the test proves nothing.");

        var mails = await stack.Smtp.WaitForMessagesAsync(count, TimeSpan.FromSeconds(120), null, ct);
        Assert.True(mails.Count == count, $"{mails.Count} of {count} messages arrived.\n{stack.Logs}");
        var arrived = mails.OrderBy(m => m.Id).Select(m => int.Parse(m.Subject![1..3], System.Globalization.CultureInfo.InvariantCulture)).ToList();
        var elapsed = mails.Max(m => m.ReceivedAt) - mails.Min(m => m.ReceivedAt);
        output.WriteLine($"{count} messages in {elapsed.TotalSeconds:0.0} s ({count / elapsed.TotalSeconds:0.0}/s, limit {ratePerSecond}/s); first priorities: {string.Join(",", arrived.Take(20))}");

        // The first few left before the rest had queued up (concurrency 1 plus the rate limiter's initial allowance).
        const int head = 10;
        var inversions = arrived.Skip(head).Zip(arrived.Skip(head + 1)).Count(pair => pair.Second < pair.First);
        Assert.True(inversions == 0, $"{inversions} priority inversions after the first {head}: {string.Join(",", arrived)}");
        Assert.True(elapsed >= TimeSpan.FromSeconds(((count - head) / (double)ratePerSecond) * 0.9), $"The rate limit did not hold: {elapsed}");
    }
}
