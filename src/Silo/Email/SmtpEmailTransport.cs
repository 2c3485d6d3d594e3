using System.Net.Sockets;
using Kudos.Grains.Email;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;

namespace Kudos.Silo.Email;

/// <summary>
/// Sends over SMTP with MailKit through a <see cref="PrioritySendQueue"/> (concurrency and rate limits, priority order)
/// and a <see cref="SmtpConnectionPool"/> (reused connections), signing with DKIM when configured. Every failure is
/// classified: network errors, timeouts, TLS handshake failures and 4xx replies are transient; 5xx replies and refused
/// credentials are permanent. The server's reply is kept either way. The limits are per silo. A singleton: disposing it
/// answers messages still waiting as transient failures, lets sends in flight finish and closes the connections.
/// </summary>
public sealed partial class SmtpEmailTransport : IEmailTransport, IAsyncDisposable
{
    private readonly SmtpOptions _options;
    private readonly ILogger<SmtpEmailTransport> _logger;
    private readonly SmtpConnectionPool _pool;
    private readonly PrioritySendQueue _queue;
    private readonly DkimMessageSigner? _dkim;
    private int _disposed;

    public SmtpEmailTransport(
        IOptions<SmtpOptions> options,
        IOptions<DkimOptions> dkimOptions,
        TimeProvider time,
        ILogger<SmtpEmailTransport> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(dkimOptions);
        _options = options.Value;
        _logger = logger;
        _dkim = DkimMessageSigner.Create(dkimOptions.Value);
        _pool = new SmtpConnectionPool(_options, time, logger);
        _queue = new PrioritySendQueue(SendNowAsync, ShuttingDown, _options.EffectiveConcurrency, _options.MaxMessagesPerSecond, time);
        LogStarted(_options.Host, _options.Port, _options.MaxConnections, _options.EffectiveConcurrency,
            _options.MaxMessagesPerSecond, _dkim is null ? "off" : $"d={_dkim.Domain} s={_dkim.Selector}");
    }

    /// <summary>The connection pool (its counters show how often connections were opened and reused).</summary>
    public SmtpConnectionPool Pool => _pool;

    /// <summary>Messages waiting for a sender.</summary>
    public int Waiting => _queue.Waiting;

    public Task<SendResult> SendAsync(OutgoingEmail email, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(email);
        return Volatile.Read(ref _disposed) != 0
            ? Task.FromResult(ShuttingDown(email))
            : _queue.SendAsync(email, cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _queue.DisposeAsync().ConfigureAwait(false);
        await _pool.DisposeAsync().ConfigureAwait(false);
    }

    private async Task<SendResult> SendNowAsync(OutgoingEmail email, CancellationToken cancellationToken)
    {
        var message = email.Message;
        _dkim?.Sign(message);

        SmtpConnection? connection = null;
        var reusable = false;
        var suspect = false;
        try
        {
            connection = await _pool.RentAsync(cancellationToken).ConfigureAwait(false);
            var text = await connection.Client.SendAsync(message, cancellationToken).ConfigureAwait(false);
            reusable = true;
            // MailKit returns the text of the final reply, which is always 250 when it returns at all.
            return SendResult.Sent($"{(int)SmtpStatusCode.Ok} {text}");
        }
        catch (SmtpCommandException ex)
        {
            // MailKit sent RSET after the refusal; the connection stays usable unless the server is closing it (421).
            // The next renter checks it with NOOP first, so one refused message never costs the next one.
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
            if (connection is not null)
            {
                _pool.Return(connection, reusable, suspect);
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
