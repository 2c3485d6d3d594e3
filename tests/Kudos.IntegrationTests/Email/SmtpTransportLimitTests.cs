using System.Diagnostics;
using Kudos.Grains.Email;
using MailKit.Net.Smtp;
using MailKit.Security;
using Xunit;
using static Kudos.IntegrationTests.Email.TransportHarness;

namespace Kudos.IntegrationTests.Email;

/// <summary>The per-silo concurrency and rate limits and the priority order, measured at a real SMTP server.</summary>
public sealed class SmtpTransportLimitTests : SmtpServerTest
{
    private static readonly TimeSpan WaitTimeout = TimeSpan.FromSeconds(30);

    [Fact(Timeout = 60_000)]
    public async Task Backed_up_messages_reach_the_server_by_priority_then_enqueue_time()
    {
        const int count = 300;
        await using var transport = Create(Server, o =>
        {
            o.MaxConnections = 1;
            o.MaxConcurrency = 1;
            o.MaxMessagesPerSecond = 20;
        });
        var random = new Random(20260101);
        // Enqueue times are shuffled against the submission order, and collide now and then (the submission order
        // breaks those ties), so the order at the server proves the sort rather than echoing the submission.
        var emails = Enumerable.Range(0, count)
            .Select(i => NewEmail($"p{i:D3}@example.test", $"m{i:D3}", priority: random.Next(1, 11),
                enqueuedAt: Epoch.AddMilliseconds(random.Next(0, 400))))
            .ToList();

        var sends = emails.Select(e => transport.SendAsync(e, Ct)).ToList();
        var alreadyTaken = count - transport.Waiting;
        var results = await Task.WhenAll(sends);

        Assert.All(results, r => Assert.Equal(SendOutcome.Sent, r.Outcome));
        var arrived = (await Server.WaitForMessagesAsync(count, WaitTimeout, null, Ct))
            .OrderBy(m => m.Id)
            .Select(m => int.Parse(m.Subject!.AsSpan(1), System.Globalization.CultureInfo.InvariantCulture))
            .ToList();
        Assert.Equal(count, arrived.Count);
        Assert.InRange(alreadyTaken, 0, 3);
        var expected = arrived.Skip(alreadyTaken)
            .OrderBy(i => emails[i].Priority).ThenBy(i => emails[i].EnqueuedAt).ThenBy(i => i)
            .ToList();
        Assert.Equal(expected, arrived.Skip(alreadyTaken).ToList());
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"priority order: {alreadyTaken} message(s) already in flight when the rest queued; the other {count - alreadyTaken} arrived in exact order");
    }

    [Fact(Timeout = 60_000)]
    public async Task The_rate_limit_holds_under_a_burst()
    {
        const int count = 300;
        const double rate = 50;
        await using var transport = Create(Server, o =>
        {
            o.MaxConnections = 4;
            o.MaxMessagesPerSecond = rate;
        });

        var stopwatch = Stopwatch.StartNew();
        var results = await Task.WhenAll(Enumerable.Range(0, count).Select(i => transport.SendAsync(NewEmail($"r{i}@example.test", priority: 1 + (i % 10)), Ct)));
        stopwatch.Stop();

        Assert.All(results, r => Assert.Equal(SendOutcome.Sent, r.Outcome));
        var received = await Server.WaitForMessagesAsync(count, WaitTimeout, null, Ct);
        Assert.Equal(count, received.Count);
        // Starts are spaced 1/rate apart: the last starts at least (count - 1)/rate after the first. The limiter's tokens come
        // from a periodic timer, whose ticks can land a millisecond or so early against the stopwatch: one interval of slack
        // (a limit that did not hold would finish in a fraction of the time).
        Assert.True(stopwatch.Elapsed >= TimeSpan.FromSeconds((count - 2) / rate),
            $"{count} messages took {stopwatch.Elapsed.TotalSeconds:F2} s at a limit of {rate}/s");
        var span = received.Max(m => m.ReceivedAt) - received.Min(m => m.ReceivedAt);
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"rate limit {rate}/s: {count} messages in {stopwatch.Elapsed.TotalSeconds:F2} s = {count / stopwatch.Elapsed.TotalSeconds:F1}/s " +
            $"(at the server: {(count - 1) / span.TotalSeconds:F1}/s between first and last); connections opened: {transport.Connections.ConnectionsOpened}");
    }

    [Fact(Timeout = 60_000)]
    public async Task Cancelling_a_waiting_message_removes_it_from_the_queue()
    {
        await using var transport = Create(Server, o =>
        {
            o.MaxConnections = 1;
            o.MaxMessagesPerSecond = 1;
        });
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Ct);

        var first = transport.SendAsync(NewEmail("first@example.test", priority: 1), Ct);
        var cancelled = transport.SendAsync(NewEmail("cancelled@example.test", priority: 5), cancel.Token);
        var last = transport.SendAsync(NewEmail("last@example.test", priority: 5, enqueuedAt: Epoch.AddSeconds(1)), Ct);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        Assert.False(last.IsCompleted); // the cancelled message left its place; the next one still waits for its slot
        Assert.Equal(SendOutcome.Sent, (await first).Outcome);
        Assert.Equal(SendOutcome.Sent, (await last).Outcome);
        var received = await Server.WaitForMessagesAsync(2, WaitTimeout, null, Ct);
        Assert.Equal(["first@example.test", "last@example.test"], received.OrderBy(m => m.Id).Select(m => m.RcptTos.Single()));
        Assert.Equal(0, transport.Waiting);
    }

    [Fact(Timeout = 60_000)]
    public async Task Throughput_over_pooled_connections_versus_a_connection_per_message()
    {
        const int count = 600;
        var report = new List<string>();

        foreach (var connections in new[] { 1, 4 })
        {
            await Server.ClearAsync(Ct);
            await using var transport = Create(Server, o => o.MaxConnections = connections);
            var stopwatch = Stopwatch.StartNew();
            var results = await Task.WhenAll(Enumerable.Range(0, count).Select(i => transport.SendAsync(NewEmail($"t{i}@example.test"), Ct)));
            stopwatch.Stop();
            Assert.All(results, r => Assert.Equal(SendOutcome.Sent, r.Outcome));
            Assert.InRange(transport.Connections.ConnectionsOpened, 1, connections);
            Assert.Equal(count, (await Server.WaitForMessagesAsync(count, WaitTimeout, null, Ct)).Count);
            report.Add($"pooled, {connections} connection(s): {count / stopwatch.Elapsed.TotalSeconds:F0} messages/s " +
                       $"({transport.Connections.ConnectionsOpened} opened)");
        }

        foreach (var workers in new[] { 1, 4 })
        {
            await Server.ClearAsync(Ct);
            var next = -1;
            var stopwatch = Stopwatch.StartNew();
            await Task.WhenAll(Enumerable.Range(0, workers).Select(_ => Task.Run(async () =>
            {
                while (Interlocked.Increment(ref next) < count)
                {
                    using var client = new SmtpClient { Timeout = 10_000 };
                    await client.ConnectAsync("127.0.0.1", Server.SmtpPort, SecureSocketOptions.None, Ct);
                    await client.SendAsync(Mime($"c{next}@example.test", "per message"), Ct);
                    await client.DisconnectAsync(quit: true, Ct);
                }
            }, Ct)));
            stopwatch.Stop();
            Assert.Equal(count, (await Server.WaitForMessagesAsync(count, WaitTimeout, null, Ct)).Count);
            report.Add($"a new connection per message, {workers} at once: {count / stopwatch.Elapsed.TotalSeconds:F0} messages/s");
        }

        TestContext.Current.TestOutputHelper?.WriteLine("throughput to the local SMTP server: " + string.Join("; ", report));
    }
}
