using System.Net;
using System.Net.Sockets;
using Kudos.Grains.Email;
using Kudos.Testing;
using Microsoft.Extensions.Time.Testing;
using Xunit;
using static Kudos.IntegrationTests.Email.TransportHarness;

namespace Kudos.IntegrationTests.Email;

/// <summary>
/// The silo's SMTP transport against a real SMTP server that fails on command: reused connections, classification of
/// every failure, and a kept connection that survives a refused message but not a broken one.
/// </summary>
public sealed class SmtpConnectionTests : SmtpServerTest
{
    private static readonly TimeSpan WaitTimeout = TimeSpan.FromSeconds(20);

    [Fact(Timeout = 60_000)]
    public async Task Consecutive_messages_share_one_connection()
    {
        await using var transport = Create(Server, o => o.MaxConnections = 4);

        for (var i = 0; i < 20; i++)
        {
            var result = await transport.SendAsync(NewEmail($"seq{i}@example.test"), Ct);
            Assert.Equal(SendOutcome.Sent, result.Outcome);
        }

        Assert.Equal(20, (await Server.WaitForMessagesAsync(20, WaitTimeout, null, Ct)).Count);
        Assert.Equal(1, transport.Connections.ConnectionsOpened);
        Assert.Equal(19, transport.Connections.Reuses);
    }

    [Fact(Timeout = 60_000)]
    public async Task Concurrent_messages_use_at_most_MaxConnections_connections()
    {
        await using var transport = Create(Server, o => o.MaxConnections = 3);

        var results = await Task.WhenAll(Enumerable.Range(0, 120).Select(i => transport.SendAsync(NewEmail($"par{i}@example.test"), Ct)));

        Assert.All(results, r => Assert.Equal(SendOutcome.Sent, r.Outcome));
        Assert.All(results, r => Assert.StartsWith("250 ", r.ServerReply, StringComparison.Ordinal));
        Assert.Equal(120, (await Server.WaitForMessagesAsync(120, WaitTimeout, null, Ct)).Count);
        Assert.InRange(transport.Connections.ConnectionsOpened, 1, 3);
        Assert.Equal(0, transport.Connections.ConnectionsDiscarded);
    }

    [Theory(Timeout = 60_000)]
    [InlineData("rcpt")]
    [InlineData("data")]
    public async Task A_451_is_transient_with_the_reply_and_the_same_connection_carries_the_next_message(string stage)
    {
        await using var transport = Create(Server, o => o.MaxConnections = 1);
        await Server.AddFaultAsync(new SmtpFault("busy@example.test", Stage: stage, Code: 451, Message: "4.3.0 try later", Times: 1), Ct);

        var refused = await transport.SendAsync(NewEmail("busy@example.test"), Ct);
        var next = await transport.SendAsync(NewEmail("next@example.test"), Ct);

        Assert.Equal(SendOutcome.Transient, refused.Outcome);
        Assert.Equal("451 4.3.0 try later", refused.ServerReply);
        Assert.Equal(451, refused.StatusCode);
        Assert.Equal(stage == "rcpt" ? "busy@example.test" : null, refused.RejectedRecipient);
        Assert.Equal(SendOutcome.Sent, next.Outcome);
        Assert.Single(await Server.WaitForMessagesAsync(1, WaitTimeout, "next@example.test", Ct));
        Assert.Equal(1, transport.Connections.ConnectionsOpened);
        Assert.Equal(0, transport.Connections.ConnectionsDiscarded);
        Assert.Equal(1, transport.Connections.Checks); // the refused message made the connection suspect until a NOOP passed
    }

    [Fact(Timeout = 60_000)]
    public async Task A_550_is_permanent_with_the_reply_and_does_not_poison_the_connection()
    {
        await using var transport = Create(Server, o => o.MaxConnections = 1);
        await Server.AddFaultAsync(new SmtpFault("nobody@example.test", Code: 550, Message: "5.1.1 No such user"), Ct);

        var refused = await transport.SendAsync(NewEmail("nobody@example.test"), Ct);
        var next = await transport.SendAsync(NewEmail("somebody@example.test"), Ct);

        Assert.Equal(SendOutcome.Permanent, refused.Outcome);
        Assert.Equal("550 5.1.1 No such user", refused.ServerReply);
        Assert.Equal(550, refused.StatusCode);
        Assert.Equal("The SMTP server refused the recipient nobody@example.test: 550 5.1.1 No such user", refused.Error);
        Assert.Equal("nobody@example.test", refused.RejectedRecipient);
        Assert.Equal(SendOutcome.Sent, next.Outcome);
        Assert.Equal(1, transport.Connections.ConnectionsOpened);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_421_is_transient_and_the_connection_is_replaced()
    {
        await using var transport = Create(Server, o => o.MaxConnections = 1);
        await Server.AddFaultAsync(new SmtpFault("closing@example.test", Code: 421, Message: "4.3.2 shutting down", Times: 1), Ct);

        var refused = await transport.SendAsync(NewEmail("closing@example.test"), Ct);
        var next = await transport.SendAsync(NewEmail("after@example.test"), Ct);

        Assert.Equal(SendOutcome.Transient, refused.Outcome);
        Assert.Equal("421 4.3.2 shutting down", refused.ServerReply);
        Assert.Equal(SendOutcome.Sent, next.Outcome);
        Assert.Equal(2, transport.Connections.ConnectionsOpened);
        Assert.Equal(1, transport.Connections.ConnectionsDiscarded);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_connection_dropped_mid_DATA_is_transient_and_the_next_send_reconnects()
    {
        await using var transport = Create(Server, o => o.MaxConnections = 1);
        Assert.Equal(SendOutcome.Sent, (await transport.SendAsync(NewEmail("warm@example.test"), Ct)).Outcome);
        await Server.AddFaultAsync(new SmtpFault("dropped@example.test", Action: "drop", Times: 1), Ct);

        var dropped = await transport.SendAsync(NewEmail("dropped@example.test"), Ct);
        var next = await transport.SendAsync(NewEmail("dropped@example.test", "Second try"), Ct);

        Assert.Equal(SendOutcome.Transient, dropped.Outcome);
        Assert.Null(dropped.ServerReply);
        Assert.Contains("Connection lost talking to 127.0.0.1", dropped.Error, StringComparison.Ordinal);
        Assert.Equal(SendOutcome.Sent, next.Outcome);
        var received = Assert.Single(await Server.WaitForMessagesAsync(1, WaitTimeout, "dropped@example.test", Ct));
        Assert.Equal("Second try", received.Subject);
        Assert.Equal(2, transport.Connections.ConnectionsOpened);
        Assert.Equal(1, transport.Connections.ConnectionsDiscarded);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_stall_past_the_timeout_is_transient_and_the_next_send_reconnects()
    {
        await using var transport = Create(Server, o =>
        {
            o.MaxConnections = 1;
            o.Timeout = TimeSpan.FromSeconds(1);
        });
        await Server.AddFaultAsync(new SmtpFault("slow@example.test", Action: "stall", Seconds: 5, Times: 1), Ct);

        var started = TimeProvider.System.GetTimestamp();
        var stalled = await transport.SendAsync(NewEmail("slow@example.test"), Ct);
        var elapsed = TimeProvider.System.GetElapsedTime(started);
        var next = await transport.SendAsync(NewEmail("quick@example.test"), Ct);

        Assert.Equal(SendOutcome.Transient, stalled.Outcome);
        Assert.StartsWith("Timed out talking to 127.0.0.1", stalled.Error, StringComparison.Ordinal);
        Assert.InRange(elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(4));
        Assert.Equal(SendOutcome.Sent, next.Outcome);
        Assert.Equal(2, transport.Connections.ConnectionsOpened);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_refused_connection_is_transient()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var closedPort = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        await using var transport = Create(Options(closedPort));

        var result = await transport.SendAsync(NewEmail("anyone@example.test"), Ct);

        Assert.Equal(SendOutcome.Transient, result.Outcome);
        Assert.StartsWith("Network error talking to 127.0.0.1", result.Error, StringComparison.Ordinal);
        Assert.Equal(0, transport.Connections.ConnectionsOpened);
    }

    [Fact(Timeout = 60_000)]
    public async Task Idle_connections_are_closed_after_the_idle_timeout_and_replaced_on_demand()
    {
        var clock = new FakeTimeProvider();
        await using var transport = Create(Server, o => o.IdleTimeout = TimeSpan.FromMinutes(1), time: clock);
        Assert.Equal(SendOutcome.Sent, (await transport.SendAsync(NewEmail("before@example.test"), Ct)).Outcome);
        Assert.Equal(1, transport.Connections.IdleCount);

        clock.Advance(TimeSpan.FromSeconds(40));
        Assert.Equal(1, transport.Connections.IdleCount);
        clock.Advance(TimeSpan.FromSeconds(40));

        Assert.Equal(0, transport.Connections.IdleCount);
        Assert.Equal(1, transport.Connections.ConnectionsClosed);
        Assert.Equal(SendOutcome.Sent, (await transport.SendAsync(NewEmail("after@example.test"), Ct)).Outcome);
        Assert.Equal(2, transport.Connections.ConnectionsOpened);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_connection_idle_for_a_while_is_checked_before_reuse()
    {
        var clock = new FakeTimeProvider();
        await using var transport = Create(Server, time: clock);
        Assert.Equal(SendOutcome.Sent, (await transport.SendAsync(NewEmail("first@example.test"), Ct)).Outcome);

        clock.Advance(TimeSpan.FromSeconds(10)); // past the NOOP threshold, within the idle timeout
        Assert.Equal(SendOutcome.Sent, (await transport.SendAsync(NewEmail("second@example.test"), Ct)).Outcome);

        Assert.Equal(1, transport.Connections.Checks);
        Assert.Equal(1, transport.Connections.ConnectionsOpened);
        Assert.Equal(1, transport.Connections.Reuses);
    }

    [Fact(Timeout = 60_000)]
    public async Task After_dispose_the_connections_are_closed_and_sends_are_answered_as_transient()
    {
        var transport = Create(Server, o => o.MaxConnections = 2);
        await Task.WhenAll(Enumerable.Range(0, 10).Select(i => transport.SendAsync(NewEmail($"d{i}@example.test"), Ct)));

        await transport.DisposeAsync();
        var late = await transport.SendAsync(NewEmail("late@example.test"), Ct);

        Assert.Equal(transport.Connections.ConnectionsOpened, transport.Connections.ConnectionsClosed);
        Assert.Equal(SendOutcome.Transient, late.Outcome);
        Assert.Contains("shutting down", late.Error, StringComparison.Ordinal);
    }
}
