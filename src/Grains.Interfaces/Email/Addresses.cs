using System.Diagnostics.CodeAnalysis;

namespace Kudos.Grains.Email;

/// <summary>
/// The one email-address rule of the product, for every address it accepts (a board's recipient and owner, invitees,
/// an operator's suppression) and everything that keys on an address: a single plain address — no display name, no
/// CR/LF, at most <see cref="MaxLength"/> characters, a dotted domain — as <see cref="System.Net.Mail.MailAddress"/>
/// parses it.
/// </summary>
public static class Addresses
{
    /// <summary>The longest address accepted (RFC 5321's path limit less the angle brackets).</summary>
    public const int MaxLength = 254;

    /// <summary>The key form of an address: trimmed, lower-case.</summary>
    public static string Normalize(string address) => address.Trim().ToLowerInvariant();

    /// <summary>The trimmed address when <paramref name="value"/> is a single plain address; false otherwise.</summary>
    public static bool TryParse(string? value, [NotNullWhen(true)] out string? address)
    {
        var trimmed = value?.Trim() ?? "";
        address = null;
        if (trimmed.Length is 0 or > MaxLength
            || trimmed.AsSpan().IndexOfAny('\r', '\n') >= 0
            || !System.Net.Mail.MailAddress.TryCreate(trimmed, out var parsed)
            || parsed.Address != trimmed
            || parsed.DisplayName.Length != 0
            || parsed.User.Length == 0
            || trimmed.Contains(' ', StringComparison.Ordinal)
            || !parsed.Host.Contains('.', StringComparison.Ordinal)
            || parsed.Host.StartsWith('.') || parsed.Host.EndsWith('.'))
        {
            return false;
        }

        address = trimmed;
        return true;
    }

    /// <summary>Normalizes a plain address (see <see cref="TryParse"/>), or throws a validation error naming <paramref name="field"/>.</summary>
    public static string NormalizeValid(string? address, string field) =>
        TryParse(address, out var valid)
            ? Normalize(valid)
            : throw KudosException.Invalid(field, $"'{field}' must be a single email address such as name@example.com.");
}
