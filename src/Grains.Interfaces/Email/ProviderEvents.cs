using Orleans.Concurrency;

namespace Kudos.Grains.Email;

/// <summary>The provider event types understood (Resend's names); others are recorded and ignored.</summary>
public static class ProviderEventTypes
{
    public const string Sent = "email.sent";
    public const string Delivered = "email.delivered";
    public const string DeliveryDelayed = "email.delivery_delayed";
    public const string Bounced = "email.bounced";
    public const string Complained = "email.complained";
    public const string Opened = "email.opened";
    public const string Clicked = "email.clicked";
}

/// <summary>One event a provider reported through its signed webhook.</summary>
/// <param name="WebhookId">The provider's delivery id (<c>webhook-id</c>): an event is applied once per id.</param>
/// <param name="Type">e.g. <c>email.bounced</c>.</param>
/// <param name="OccurredAt">The provider's timestamp for the event.</param>
/// <param name="ProviderMessageId">The provider's id of the message, which the SMTP reply named when it was sent.</param>
/// <param name="BounceType">For bounces: <c>Permanent</c>/<c>hard</c> or <c>Transient</c>/<c>soft</c>.</param>
/// <param name="Recipient">The address concerned, when the event names one.</param>
/// <param name="Detail">Free text: the bounce message, the clicked link.</param>
[GenerateSerializer, Immutable, Alias("kudos.provider-event")]
public sealed record ProviderEvent(string WebhookId, string Type, DateTimeOffset OccurredAt, string? ProviderMessageId, string? BounceType, string? Recipient, string? Detail)
{
    /// <summary>Whether a bounce is permanent (hard).</summary>
    public bool IsHardBounce =>
        BounceType is not null && (BounceType.Equals("Permanent", StringComparison.OrdinalIgnoreCase) || BounceType.Equals("hard", StringComparison.OrdinalIgnoreCase));
}

/// <summary>What became of a recorded webhook event.</summary>
public enum WebhookEventStatus
{
    None = 0,

    /// <summary>Recorded, not processed yet.</summary>
    Received = 1,

    /// <summary>Applied to its dispatch.</summary>
    Applied = 2,

    /// <summary>No dispatch has that provider message id: kept for inspection.</summary>
    Unmatched = 3,
}

[GenerateSerializer, Immutable, Alias("kudos.webhook-event-view")]
public sealed record WebhookEventView(ProviderEvent Event, WebhookEventStatus Status, DateTimeOffset ReceivedAt, string? DispatchId);

/// <summary>
/// One provider webhook delivery, keyed <c>wh/{webhook-id}</c>. Recording is a single durable write (the endpoint
/// answers right after it); processing happens afterwards on a timer, with a reminder as the backstop.
/// </summary>
public interface IWebhookEventGrain : IGrainWithStringKey
{
    /// <summary>Records the event (a repeated delivery of the same id is a no-op); true when it was new.</summary>
    Task<bool> RecordAsync(ProviderEvent providerEvent);

    /// <summary>The event and what became of it; null when unknown.</summary>
    [ReadOnly]
    Task<WebhookEventView?> GetAsync();
}

/// <summary>Maps a provider's message id to the dispatch that sent it; keyed <c>pm/{provider id}</c>, written at send time.</summary>
public interface IProviderMessageIndexGrain : IGrainWithStringKey
{
    Task SetAsync(string dispatchId);

    [ReadOnly]
    Task<string?> GetAsync();
}

/// <summary>Keys of the grains that index provider ids and webhook events.</summary>
public static class ProviderIndex
{
    public static string Key(string providerMessageId) => $"pm/{providerMessageId}";

    public static string EventKey(string webhookId) => $"wh/{webhookId}";
}
