using System.Diagnostics.CodeAnalysis;
using Orleans.Concurrency;

namespace Kudos.Grains.Email;

/// <summary>Why an address receives no more email.</summary>
public enum SuppressionReason
{
    /// <summary>The address bounced (unknown user, mailbox gone).</summary>
    Bounce = 0,

    /// <summary>The recipient marked a message as spam.</summary>
    Complaint = 1,

    /// <summary>The recipient unsubscribed from invitations and reminders (RFC 8058); other email still goes.</summary>
    Unsubscribe = 2,

    /// <summary>Added by an operator.</summary>
    Manual = 3,
}

/// <summary>An active suppression.</summary>
[GenerateSerializer, Immutable, Alias("kudos.suppression-view")]
public sealed record SuppressionView(string Address, SuppressionReason Reason, DateTimeOffset Since, DateTimeOffset? ExpiresAt, string? Detail)
{
    /// <summary>Whether this suppression stops email of <paramref name="emailType"/>.</summary>
    public bool Covers(string emailType) => Reason != SuppressionReason.Unsubscribe || EmailTypes.Unsubscribable.Contains(emailType);
}

/// <summary>The suppression of one address, keyed by the normalized (trimmed, lower-case) address.</summary>
public interface ISuppressionGrain : IGrainWithStringKey
{
    /// <summary>The active suppression, or null (none, or expired).</summary>
    [ReadOnly]
    Task<SuppressionView?> GetAsync();

    /// <summary>
    /// Adds or widens the suppression. A suppression of every kind (bounce, complaint, manual) is never narrowed to an
    /// unsubscribe; a permanent one is never shortened by an expiring one.
    /// </summary>
    Task<SuppressionView> AddAsync(SuppressionReason reason, DateTimeOffset? expiresAt, string? detail);

    /// <summary>Lifts the suppression.</summary>
    Task RemoveAsync();

    /// <summary>
    /// Counts a soft bounce; at <paramref name="limit"/> of them the address is suppressed (reason Bounce) until
    /// <paramref name="until"/>, and the count starts again.
    /// </summary>
    Task RecordSoftBounceAsync(int limit, DateTimeOffset until, string detail);
}

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
