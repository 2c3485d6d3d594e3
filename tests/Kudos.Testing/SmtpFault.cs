namespace Kudos.Testing;

/// <summary>
/// A fault the SMTP test server injects for <paramref name="Recipient"/> (case-insensitive, <c>*</c> = any).
/// </summary>
/// <param name="Recipient">The envelope recipient the fault applies to.</param>
/// <param name="Stage"><c>rcpt</c> (answer RCPT TO) or <c>data</c> (answer the end of DATA); used with <paramref name="Code"/>.</param>
/// <param name="Code">SMTP reply code to answer, e.g. 451 (transient) or 550 (permanent).</param>
/// <param name="Message">Reply text after the code, e.g. <c>4.3.0 try later</c>.</param>
/// <param name="Times">How many attempts the fault applies to; <see langword="null"/> = every attempt.</param>
/// <param name="Action">
/// <c>drop</c>: close the connection after the message data without replying;
/// <c>stall</c>: hold the DATA reply for <paramref name="Seconds"/> and then accept.
/// Actions always apply at the end of DATA, whatever <paramref name="Stage"/> says.
/// </param>
/// <param name="Seconds">How long a <c>stall</c> holds the reply.</param>
public sealed record SmtpFault(
    string Recipient,
    string Stage = "rcpt",
    int? Code = null,
    string? Message = null,
    int? Times = null,
    string? Action = null,
    int? Seconds = null);
