using Orleans.Concurrency;

namespace Kudos.Grains.Email;

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
