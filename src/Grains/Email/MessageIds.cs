using System.Security.Cryptography;
using System.Text;

namespace Kudos.Grains.Email;

/// <summary>Stable Message-IDs: the same dispatch always carries the same id, so a resend is recognisable.</summary>
public static class MessageIds
{
    /// <param name="dispatchId">The dispatch.</param>
    /// <param name="from">The sender: a plain address or a mailbox such as <c>Kudos &lt;kudos@example.com&gt;</c>; its domain ends the id.</param>
    public static string For(string dispatchId, string from)
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(dispatchId)).AsSpan(0, 16));
        var at = from.LastIndexOf('@');
        var domain = at >= 0 ? from[(at + 1)..].TrimEnd().TrimEnd('>').Trim() : "";
        return $"{hash}@{(domain.Length == 0 ? "kudos.local" : domain)}";
    }
}
