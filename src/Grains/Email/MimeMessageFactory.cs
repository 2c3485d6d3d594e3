using MimeKit;

namespace Kudos.Grains.Email;

/// <summary>Builds the MIME form of a dispatch: multipart/alternative with a real text part and a stable Message-ID.</summary>
public static class MimeMessageFactory
{
    public static MimeMessage Build(EmailMessage message, MailboxAddress from, string messageId)
    {
        var mime = new MimeMessage
        {
            Subject = message.Subject,
            MessageId = messageId,
            Date = DateTimeOffset.UtcNow,
        };
        mime.From.Add(from);
        mime.To.AddRange(message.To.Select(m => new MailboxAddress(m.Name, m.Address)));
        mime.Cc.AddRange((message.Cc ?? []).Select(m => new MailboxAddress(m.Name, m.Address)));
        mime.Bcc.AddRange((message.Bcc ?? []).Select(m => new MailboxAddress(m.Name, m.Address)));
        foreach (var header in message.Headers ?? [])
        {
            mime.Headers.Add(header.Name, header.Value);
        }

        // Marks the mail as machine-generated (RFC 3834) so auto-responders do not answer it.
        mime.Headers.Add("Auto-Submitted", "auto-generated");
        mime.Body = new BodyBuilder { TextBody = message.TextBody, HtmlBody = message.HtmlBody }.ToMessageBody();
        return mime;
    }
}
