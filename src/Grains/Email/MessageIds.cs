using System.Security.Cryptography;
using System.Text;
using MimeKit;

namespace Kudos.Grains.Email;

/// <summary>Stable Message-IDs: the same dispatch always carries the same id, so a resend is recognisable.</summary>
public static class MessageIds
{
    public static string For(string dispatchId, string fromAddress)
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(dispatchId)).AsSpan(0, 16));
        var at = fromAddress.LastIndexOf('@');
        var domain = at >= 0 ? fromAddress[(at + 1)..] : "kudos.local";
        return $"{hash}@{domain}";
    }

    public static MailboxAddress ParseFrom(string from) => MailboxAddress.Parse(from);
}
