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

/// <summary>Address normalization shared by everything that keys on an address.</summary>
public static class Addresses
{
    public static string Normalize(string address) => address.Trim().ToLowerInvariant();

    /// <summary>Normalizes a plain address (no display name, no CR/LF), or throws a validation error naming <paramref name="field"/>.</summary>
    public static string NormalizeValid(string? address, string field)
    {
        var trimmed = address?.Trim() ?? "";
        if (trimmed.Length is 0 or > 254
            || trimmed.AsSpan().IndexOfAny('\r', '\n') >= 0
            || !System.Net.Mail.MailAddress.TryCreate(trimmed, out var parsed)
            || parsed.Address != trimmed
            || !parsed.Host.Contains('.'))
        {
            throw KudosException.Invalid(field, $"'{field}' must be a single email address such as name@example.com.");
        }

        return Normalize(trimmed);
    }
}
