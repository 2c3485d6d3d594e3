using MimeKit;

namespace Kudos.Grains.Email;

/// <summary>Sends one message to the mail server. Implemented over SMTP with MailKit in the silo; faked only in unit tests.</summary>
public interface IEmailTransport
{
    /// <summary>Sends <paramref name="message"/>; never throws for a delivery failure, but classifies it.</summary>
    Task<SendResult> SendAsync(MimeMessage message, CancellationToken cancellationToken);
}

/// <summary>How an attempt ended.</summary>
public enum SendOutcome
{
    /// <summary>The server accepted the message.</summary>
    Sent,

    /// <summary>Worth retrying: network errors, timeouts, TLS handshake failures, SMTP 4xx.</summary>
    Transient,

    /// <summary>Retrying will not help: SMTP 5xx, authentication refused.</summary>
    Permanent,
}

/// <summary>The outcome of an attempt with the server's reply (or the error) for the record.</summary>
public sealed record SendResult(SendOutcome Outcome, string? ServerReply, string? Error)
{
    public static SendResult Sent(string? reply) => new(SendOutcome.Sent, reply, null);
}
