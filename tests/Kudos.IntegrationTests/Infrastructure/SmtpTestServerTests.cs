using Kudos.Testing;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;
using Xunit;

namespace Kudos.IntegrationTests.Infrastructure;

/// <summary>The SMTP test server the integration tests rely on: recording and fault injection, seen from MailKit.</summary>
public sealed class SmtpTestServerTests : IAsyncLifetime
{
    private static readonly TimeSpan WaitTimeout = TimeSpan.FromSeconds(10);

    private SmtpTestServer? _server;

    private SmtpTestServer Server => _server ?? throw new InvalidOperationException("server not started");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _server = await SmtpTestServer.StartAsync(Ct);

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    [Fact(Timeout = 30_000)]
    public async Task Accepted_message_is_recorded_with_received_at_and_message_id()
    {
        var message = NewMessage("carol@example.test", "Your kudos board is ready");
        var before = DateTimeOffset.UtcNow;

        await SendAsync(message);

        var after = DateTimeOffset.UtcNow;
        var received = Assert.Single(await Server.WaitForMessagesAsync(1, WaitTimeout, "carol@example.test", Ct));
        Assert.Equal(message.MessageId, received.MessageId);
        Assert.Equal("Your kudos board is ready", received.Subject);
        Assert.Equal("kudos@example.test", received.MailFrom);
        Assert.Equal(["carol@example.test"], received.RcptTos);
        // receivedAt has millisecond precision: allow that much truncation.
        Assert.InRange(received.ReceivedAt, before.AddMilliseconds(-1), after);
        Assert.Equal(TimeSpan.Zero, received.ReceivedAt.Offset);
        var parsed = received.Parse();
        Assert.Equal(message.MessageId, parsed.MessageId);
        Assert.Contains("Open your board", parsed.TextBody, StringComparison.Ordinal);
    }

    [Fact(Timeout = 30_000)]
    public async Task Transient_451_fault_once_fails_the_first_attempt_and_accepts_the_second()
    {
        await Server.AddFaultAsync(new SmtpFault("dave@example.test", Code: 451, Message: "4.3.0 try later", Times: 1), Ct);
        var message = NewMessage("dave@example.test", "Retry me");

        var error = await Assert.ThrowsAsync<SmtpCommandException>(() => SendAsync(message));
        Assert.Equal(451, (int)error.StatusCode);
        Assert.Equal(SmtpErrorCode.RecipientNotAccepted, error.ErrorCode);
        Assert.Empty(await Server.GetMessagesAsync(Ct));

        await SendAsync(message);

        var received = Assert.Single(await Server.WaitForMessagesAsync(1, WaitTimeout, "dave@example.test", Ct));
        Assert.Equal(message.MessageId, received.MessageId);
    }

    [Fact(Timeout = 30_000)]
    public async Task Permanent_550_at_data_rejects_every_attempt()
    {
        await Server.AddFaultAsync(new SmtpFault("erin@example.test", Stage: "data", Code: 550, Message: "5.7.1 rejected"), Ct);

        for (var attempt = 0; attempt < 2; attempt++)
        {
            var error = await Assert.ThrowsAsync<SmtpCommandException>(() => SendAsync(NewMessage("erin@example.test", "No")));
            Assert.Equal(550, (int)error.StatusCode);
            Assert.Equal(SmtpErrorCode.MessageNotAccepted, error.ErrorCode);
        }

        Assert.Empty(await Server.GetMessagesAsync(Ct));
    }

    [Fact(Timeout = 30_000)]
    public async Task Dropped_connection_during_data_surfaces_as_a_protocol_error_and_records_nothing()
    {
        await Server.AddFaultAsync(new SmtpFault("frank@example.test", Action: "drop", Times: 1), Ct);

        await Assert.ThrowsAsync<SmtpProtocolException>(() => SendAsync(NewMessage("frank@example.test", "Dropped")));

        Assert.Empty(await Server.GetMessagesAsync(Ct));
    }

    [Fact(Timeout = 30_000)]
    public async Task Stalled_reply_times_out_the_client_and_records_nothing()
    {
        await Server.AddFaultAsync(new SmtpFault("grace@example.test", Action: "stall", Seconds: 5, Times: 1), Ct);

        var error = await Record.ExceptionAsync(() => SendAsync(NewMessage("grace@example.test", "Stalled"), timeoutMs: 1_000));

        Assert.True(error is IOException or TimeoutException or OperationCanceledException,
            $"expected a timeout, got {error?.GetType().FullName ?? "no exception"}");
        Assert.Empty(await Server.WaitForMessagesAsync(1, TimeSpan.FromSeconds(5.5), "grace@example.test", Ct));
    }

    [Fact(Timeout = 30_000)]
    public async Task Wait_answers_with_what_exists_at_the_timeout_and_clear_empties_the_server()
    {
        await SendAsync(NewMessage("heidi@example.test", "One"));

        var messages = await Server.WaitForMessagesAsync(2, TimeSpan.FromMilliseconds(300), to: null, Ct);
        Assert.Single(messages);

        await Server.ClearAsync(Ct);
        Assert.Empty(await Server.GetMessagesAsync(Ct));
    }

    private static MimeMessage NewMessage(string to, string subject)
    {
        var message = new MimeMessage { Subject = subject, MessageId = MimeKit.Utils.MimeUtils.GenerateMessageId("kudos.test") };
        message.From.Add(MailboxAddress.Parse("kudos@example.test"));
        message.To.Add(MailboxAddress.Parse(to));
        message.Body = new BodyBuilder
        {
            TextBody = "Open your board: https://kudos.example.test/b/1",
            HtmlBody = "<p>Open <a href=\"https://kudos.example.test/b/1\">your board</a></p>",
        }.ToMessageBody();
        return message;
    }

    private async Task SendAsync(MimeMessage message, int timeoutMs = 10_000)
    {
        using var client = new SmtpClient { Timeout = timeoutMs };
        await client.ConnectAsync("127.0.0.1", Server.SmtpPort, SecureSocketOptions.None, Ct);
        await client.SendAsync(message, Ct);
        await client.DisconnectAsync(quit: true, Ct);
    }
}
