using System.Text;
using MimeKit;

namespace Kudos.Testing;

/// <summary>A message the SMTP test server accepted.</summary>
/// <param name="Id">Sequential id, from 1.</param>
/// <param name="ReceivedAt">When the server read the end of DATA (the "SMTP server accepted" instant), UTC, millisecond precision.</param>
/// <param name="MailFrom">Envelope sender (MAIL FROM).</param>
/// <param name="RcptTos">Envelope recipients (RCPT TO).</param>
/// <param name="Subject">Decoded Subject header.</param>
/// <param name="MessageId">Message-ID header without angle brackets (as <see cref="MimeMessage.MessageId"/>).</param>
/// <param name="Raw">The full RFC 822 text as received.</param>
public sealed record ReceivedMail(
    int Id,
    DateTimeOffset ReceivedAt,
    string MailFrom,
    IReadOnlyList<string> RcptTos,
    string? Subject,
    string? MessageId,
    string Raw)
{
    /// <summary>Parses <see cref="Raw"/> with MimeKit.</summary>
    public MimeMessage Parse()
    {
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(Raw));
        return MimeMessage.Load(stream);
    }
}
