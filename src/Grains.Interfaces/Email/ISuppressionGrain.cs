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
