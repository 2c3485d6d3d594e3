namespace Kudos.Grains.Email;

/// <summary>
/// Pure rules about recipients and replies: the allowed-recipients list (a provider sandbox), and what an SMTP reply
/// says about the address.
/// </summary>
public static class RecipientPolicy
{
    /// <summary>Whether <paramref name="address"/> may receive mail under <paramref name="allowed"/> (empty: everyone).</summary>
    public static bool IsAllowed(string address, IReadOnlyCollection<string> allowed)
    {
        if (allowed.Count == 0)
        {
            return true;
        }

        var normalized = Addresses.Normalize(address);
        foreach (var entry in allowed)
        {
            var rule = Addresses.Normalize(entry);
            if (rule.StartsWith('@') ? normalized.EndsWith(rule, StringComparison.Ordinal) : normalized == rule)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>A sandboxed provider's refusal of an unverified address (e.g. SES: "554 Message rejected: Email address is not verified").</summary>
    public static bool IsNotVerified(string? reply) =>
        reply is not null && reply.Contains("not verified", StringComparison.OrdinalIgnoreCase);

    /// <summary>A permanent "no such mailbox" refusal (550 5.1.1 and its usual wordings): the address bounces.</summary>
    public static bool IsUnknownUser(int? statusCode, string? reply) =>
        statusCode is >= 500 and < 600 && reply is not null
        && (reply.Contains("5.1.1", StringComparison.Ordinal)
            || reply.Contains("user unknown", StringComparison.OrdinalIgnoreCase)
            || reply.Contains("no such user", StringComparison.OrdinalIgnoreCase)
            || reply.Contains("mailbox unavailable", StringComparison.OrdinalIgnoreCase)
            || reply.Contains("does not exist", StringComparison.OrdinalIgnoreCase));

    /// <summary>The provider's id for the message, when its acceptance reply names one ("queued as X", SES's "Ok X").</summary>
    public static string? ProviderMessageId(string? reply)
    {
        if (string.IsNullOrWhiteSpace(reply))
        {
            return null;
        }

        var words = reply.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i < words.Length - 1; i++)
        {
            if ((words[i].Equals("as", StringComparison.OrdinalIgnoreCase) && i > 0 && words[i - 1].Equals("queued", StringComparison.OrdinalIgnoreCase))
                || (words[i].Equals("Ok", StringComparison.OrdinalIgnoreCase) && i <= 2 && words[i + 1].Length >= 16))
            {
                return words[i + 1].Trim('<', '>', '.', ';');
            }
        }

        return null;
    }
}
