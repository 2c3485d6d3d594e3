using System.Net.Sockets;
using Kudos.Grains.Email;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Kudos.Silo.Email;

/// <summary>
/// Sends over SMTP with MailKit: a <see cref="SendChannel"/> orders the messages (priority, then age) and applies the rate
/// limit, and each of its workers owns one <see cref="SmtpConnection"/>, so the concurrency bound is the number of
/// workers. The MIME form is built here from the product's message (signed with DKIM when configured). Every failure is
/// classified: network errors, timeouts, TLS handshake failures and 4xx replies are transient; 5xx replies and refused
/// credentials are permanent. The server's reply is kept either way. The limits are per silo. A singleton: disposing it
/// answers messages still waiting as transient failures, lets sends in flight finish and closes the connections.
/// </summary>
public sealed partial class SmtpEmailTransport : IEmailTransport, IAsyncDisposable
{
    private readonly SmtpOptions _options;
    private readonly MailboxAddress _from;
    private readonly TimeProvider _time;
    private readonly ILogger<SmtpEmailTransport> _logger;
    private readonly SmtpConnection[] _connections;
    private readonly SendChannel _channel;
    private readonly DkimMessageSigner? _dkim;
    private readonly ITimer _reaper;
    private int _disposed;

    public SmtpEmailTransport(
        IOptions<SmtpOptions> options,
        IOptions<DkimOptions> dkimOptions,
        IOptions<EmailOptions> emailOptions,
        TimeProvider time,
        ILogger<SmtpEmailTransport> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(dkimOptions);
        ArgumentNullException.ThrowIfNull(emailOptions);
        _options = options.Value;
        _from = MailboxAddress.Parse(emailOptions.Value.From);
        _time = time;
        _logger = logger;
        _dkim = DkimMessageSigner.Create(dkimOptions.Value);
        _connections = [.. Enumerable.Range(0, _options.EffectiveConcurrency).Select(_ => new SmtpConnection(_options, Connections, time, logger))];
        _channel = new SendChannel(
            [.. _connections.Select(c => (Func<OutgoingEmail, CancellationToken, Task<SendResult>>)((email, ct) => SendNowAsync(c, email, ct)))],
            ShuttingDown,
            _options.MaxMessagesPerSecond);
        var period = TimeSpan.FromTicks(Math.Clamp(_options.IdleTimeout.Ticks / 2, TimeSpan.TicksPerSecond, 30 * TimeSpan.TicksPerSecond));
        _reaper = time.CreateTimer(_ => CloseIdleConnections(), null, period, period);
        LogStarted(_options.Host, _options.Port, _options.MaxConnections, _options.EffectiveConcurrency,
            _options.MaxMessagesPerSecond, _dkim is null ? "off" : $"d={_dkim.Domain} s={_dkim.Selector}");
    }

    /// <summary>What the connections did (opened, reused, checked, discarded, closed) and how many are idle.</summary>
    public SmtpConnectionStats Connections { get; } = new();

    /// <summary>Messages waiting for a sender.</summary>
    public int Waiting => _channel.Waiting;

    public Task<SendResult> SendAsync(OutgoingEmail email, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(email);
        return Volatile.Read(ref _disposed) != 0
            ? Task.FromResult(ShuttingDown(email))
            : _channel.SendAsync(email, cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _channel.DisposeAsync().ConfigureAwait(false);
        await _reaper.DisposeAsync().ConfigureAwait(false);
        await Task.WhenAll(_connections.Select(c => c.CloseIfIdle(shutdown: true))).ConfigureAwait(false);
    }

    private void CloseIdleConnections()
    {
        foreach (var connection in _connections)
        {
            _ = connection.CloseIfIdle();
        }
    }

    private async Task<SendResult> SendNowAsync(SmtpConnection connection, OutgoingEmail email, CancellationToken cancellationToken)
    {
        var message = MimeMessageFactory.Build(email, _from, _time);
        _dkim?.Sign(message);

        SmtpClient? client = null;
        var reusable = false;
        var suspect = false;
        try
        {
            client = await connection.RentAsync(cancellationToken).ConfigureAwait(false);
            var text = await client.SendAsync(message, cancellationToken).ConfigureAwait(false);
            reusable = true;
            // MailKit returns the text of the final reply, which is always 250 when it returns at all.
            return SendResult.Sent($"{(int)SmtpStatusCode.Ok} {text}");
        }
        catch (SmtpCommandException ex)
        {
            // MailKit sent RSET after the refusal; the connection stays usable unless the server is closing it (421).
            // The next message checks it with NOOP first, so one refused message never costs the next one.
            reusable = ex.StatusCode != SmtpStatusCode.ServiceNotAvailable;
            suspect = true;
            var code = (int)ex.StatusCode;
            var reply = $"{code} {ex.Message}";
            LogRefused(email.DispatchId, reply);
            var recipient = ex.ErrorCode == SmtpErrorCode.RecipientNotAccepted ? ex.Mailbox?.Address : null;
            return new SendResult(code is >= 400 and < 500 ? SendOutcome.Transient : SendOutcome.Permanent, reply,
                recipient is null ? $"The SMTP server refused the message: {reply}" : $"The SMTP server refused the recipient {recipient}: {reply}",
                code, recipient);
        }
        catch (AuthenticationException ex)
        {
            LogFailed(email.DispatchId, "authentication refused", ex.Message);
            return new SendResult(SendOutcome.Permanent, null, $"SMTP authentication failed: {ex.Message}");
        }
        catch (Exception ex) when (ex is SmtpProtocolException or IOException or SocketException or TimeoutException
                                       or SslHandshakeException or ServiceNotConnectedException
                                       || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            var what = Describe(ex);
            LogFailed(email.DispatchId, what, ex.Message);
            return new SendResult(SendOutcome.Transient, null, $"{what} talking to {_options.Host}:{_options.Port}: {ex.Message}");
        }
        finally
        {
            if (client is not null)
            {
                connection.Return(client, reusable, suspect);
            }
        }
    }

    private static SendResult ShuttingDown(OutgoingEmail email)
        => new(SendOutcome.Transient, null, "Not sent: the silo's SMTP transport is shutting down.");

    private static string Describe(Exception ex) => ex switch
    {
        SslHandshakeException => "TLS handshake failed",
        TimeoutException or OperationCanceledException => "Timed out",
        SocketException => "Network error",
        _ => "Connection lost",
    };
}
