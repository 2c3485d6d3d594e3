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
