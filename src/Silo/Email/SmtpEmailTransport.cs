using System.Net.Sockets;
using Kudos.Grains.Email;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;

namespace Kudos.Silo.Email;

/// <summary>
/// Sends over SMTP with MailKit and classifies every failure: network errors, timeouts, TLS handshake failures and 4xx
/// replies are transient; 5xx replies and refused credentials are permanent. The server's reply is kept either way.
/// </summary>
public sealed class SmtpEmailTransport(IOptions<SmtpOptions> options) : IEmailTransport
{
    public async Task<SendResult> SendAsync(OutgoingEmail email, CancellationToken cancellationToken)
    {
        var message = email.Message;
        var settings = options.Value;
        using var client = new SmtpClient { Timeout = (int)settings.Timeout.TotalMilliseconds };
        try
        {
            await client.ConnectAsync(settings.Host, settings.Port, ToMailKit(settings.Security), cancellationToken);
            if (!string.IsNullOrEmpty(settings.User))
            {
                await client.AuthenticateAsync(settings.User, settings.Password ?? "", cancellationToken);
            }

            var reply = await client.SendAsync(message, cancellationToken);
            await client.DisconnectAsync(quit: true, cancellationToken);
            return SendResult.Sent(reply);
        }
        catch (SmtpCommandException ex)
        {
            var code = (int)ex.StatusCode;
            var reply = $"{code} {ex.Message}";
            return new SendResult(code is >= 400 and < 500 ? SendOutcome.Transient : SendOutcome.Permanent, reply, $"The SMTP server refused the message: {reply}", code);
        }
        catch (AuthenticationException ex)
        {
            return new SendResult(SendOutcome.Permanent, null, $"SMTP authentication failed: {ex.Message}");
        }
        catch (Exception ex) when (ex is SmtpProtocolException or IOException or SocketException or TimeoutException
                                       or SslHandshakeException or ServiceNotConnectedException
                                       || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return new SendResult(SendOutcome.Transient, null, $"{Describe(ex)} talking to {settings.Host}:{settings.Port}: {ex.Message}");
        }
    }

    private static string Describe(Exception ex) => ex switch
    {
        SslHandshakeException => "TLS handshake failed",
        TimeoutException or OperationCanceledException => "Timed out",
        SocketException => "Network error",
        _ => "Connection lost",
    };

    private static SecureSocketOptions ToMailKit(SmtpSecurity security) => security switch
    {
        SmtpSecurity.None => SecureSocketOptions.None,
        SmtpSecurity.StartTls => SecureSocketOptions.StartTls,
        SmtpSecurity.SslOnConnect => SecureSocketOptions.SslOnConnect,
        _ => SecureSocketOptions.Auto,
    };
}
