using Kudos.Grains.Email;
using MimeKit;

namespace Kudos.Silo.Email;

/// <summary>Builds the MIME form of a dispatch: multipart/alternative with a real text part and its stable Message-ID.</summary>
public static class MimeMessageFactory
{
    public static MimeMessage Build(OutgoingEmail email, MailboxAddress from, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(email);
        var message = email.Message;
        var mime = new MimeMessage
        {
            Subject = message.Subject,
            MessageId = email.MessageId,
            Date = time.GetUtcNow(),
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
