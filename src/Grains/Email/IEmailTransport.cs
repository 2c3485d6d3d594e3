namespace Kudos.Grains.Email;

/// <summary>
/// Sends one message to the mail server. Implemented over SMTP with MailKit in the silo (MIME, DKIM, reused connections, a
/// concurrency limit and a send-rate limit per silo); faked only in unit tests.
/// </summary>
public interface IEmailTransport
{
    /// <summary>
    /// Sends <paramref name="email"/>; never throws for a delivery failure, but classifies it. When more messages are
    /// ready than the rate limit allows, lower <see cref="OutgoingEmail.Priority"/> numbers go first, and within a
    /// priority the oldest <see cref="OutgoingEmail.EnqueuedAt"/>.
    /// </summary>
    Task<SendResult> SendAsync(OutgoingEmail email, CancellationToken cancellationToken);
}

/// <summary>A message ready to go, with what the transport needs to build and order it.</summary>
/// <param name="DispatchId">The dispatch it belongs to (for logs and traces).</param>
/// <param name="Message">The product's message; the transport builds the MIME form (the sender is its configuration).</param>
/// <param name="MessageId">The stable Message-ID (without angle brackets): every attempt of a dispatch carries the same.</param>
/// <param name="EnqueuedAt">When the dispatch was enqueued: the tie-breaker within a priority.</param>
public sealed record OutgoingEmail(string DispatchId, EmailMessage Message, string MessageId, DateTimeOffset EnqueuedAt)
{
    /// <summary><see cref="EmailPriorities.Highest"/> (1) to <see cref="EmailPriorities.Lowest"/> (10).</summary>
    public int Priority => Message.Priority;
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
/// <param name="Outcome">How it ended.</param>
/// <param name="ServerReply">The SMTP reply as "code text" when the server answered (e.g. <c>250 2.0.0 Ok: queued as 4F2A</c>).</param>
/// <param name="Error">A human-readable reason when it did not succeed.</param>
/// <param name="StatusCode">The SMTP status code of the reply, when there was one.</param>
/// <param name="RejectedRecipient">The recipient the server refused at RCPT, when it named one.</param>
public sealed record SendResult(SendOutcome Outcome, string? ServerReply, string? Error, int? StatusCode = null, string? RejectedRecipient = null)
{
    public static SendResult Sent(string? reply) => new(SendOutcome.Sent, reply, null, 250);
}
