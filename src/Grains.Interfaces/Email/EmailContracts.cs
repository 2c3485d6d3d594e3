namespace Kudos.Grains.Email;

/// <summary>A mailbox: display name and address.</summary>
[GenerateSerializer, Immutable, Alias("kudos.mailbox")]
public sealed record Mailbox(string Name, string Address);

/// <summary>An extra header of a message (e.g. <c>List-Unsubscribe</c>).</summary>
[GenerateSerializer, Immutable, Alias("kudos.email-header")]
public sealed record EmailHeader(string Name, string Value);

/// <summary>The kinds of email the product sends; suppressions and analytics are kept per kind.</summary>
public static class EmailTypes
{
    public const string Delivery = "delivery";
    public const string Invitation = "invitation";
    public const string Reminder = "reminder";
    public const string OwnerNotice = "owner-notice";
    public const string OwnerConfirmation = "owner-confirmation";

    /// <summary>A contributor's receipt for their card, with its personal link.</summary>
    public const string CardReceipt = "card-receipt";

    /// <summary>A contributor told the board they wrote on was delivered, with their own link to it.</summary>
    public const string ContributorDelivered = "contributor-delivered";

    /// <summary>The recipient's thank-you note, to the owner and the contributors who left an address.</summary>
    public const string Thanks = "thanks";

    /// <summary>The owner warned before the instant (few cards) or told an empty board was held.</summary>
    public const string OwnerWarning = "owner-warning";

    /// <summary>The kinds a recipient can unsubscribe from (RFC 8058); deliveries and notices are not among them.</summary>
    public static readonly IReadOnlySet<string> Unsubscribable = new HashSet<string>(StringComparer.Ordinal) { Invitation, Reminder };
}

/// <summary>One email to send. The sender comes from configuration. Never reorder these parameters: add at the end.</summary>
/// <param name="To">Primary recipients (at least one).</param>
/// <param name="Subject">The subject line.</param>
/// <param name="HtmlBody">The HTML part.</param>
/// <param name="TextBody">The plain-text part.</param>
/// <param name="EmailType">One of <see cref="EmailTypes"/>.</param>
/// <param name="CorrelationId">What the message is about (the board id).</param>
/// <param name="Cc">Carbon-copy recipients.</param>
/// <param name="Bcc">Blind-copy recipients.</param>
/// <param name="Headers">Extra headers.</param>
/// <param name="Priority">1 (highest) to 10; when the rate limit holds messages back, lower numbers go first.</param>
/// <param name="ScheduledFor">Not before this instant (UTC); null for now.</param>
/// <param name="MaxAttempts">Overrides the configured retry policy's attempt count.</param>
/// <param name="TenantId">Optional grouping for analytics.</param>
/// <param name="OutcomeBoardId">The board told when the message is sent, fails, is suppressed or held.</param>
/// <param name="ReputationOwner">The normalized owner address whose sender reputation a hard bounce or complaint counts against.</param>
/// <param name="BackstopBoardId">
/// A board whose reminder stands in for the first attempt's: it wakes the dispatch if a crash cut that attempt short, so
/// the dispatch registers no reminder unless it must retry (set on the owner's notices; the delivery email has
/// <paramref name="OutcomeBoardId"/>, which implies it).
/// </param>
[GenerateSerializer, Immutable, Alias("kudos.email-message")]
public sealed record EmailMessage(
    IReadOnlyList<Mailbox> To,
    string Subject,
    string HtmlBody,
    string TextBody,
    string EmailType,
    string? CorrelationId,
    IReadOnlyList<Mailbox>? Cc = null,
    IReadOnlyList<Mailbox>? Bcc = null,
    IReadOnlyList<EmailHeader>? Headers = null,
    int Priority = EmailMessage.DefaultPriority,
    DateTimeOffset? ScheduledFor = null,
    int? MaxAttempts = null,
    string? TenantId = null,
    Guid? OutcomeBoardId = null,
    string? ReputationOwner = null,
    Guid? BackstopBoardId = null)
{
    public const int DefaultPriority = EmailPriorities.Default;

    /// <summary>Every recipient: To, Cc and Bcc.</summary>
    public IEnumerable<Mailbox> AllRecipients() => To.Concat(Cc ?? []).Concat(Bcc ?? []);
}

/// <summary>The state of one dispatch as callers see it.</summary>
[GenerateSerializer, Immutable, Alias("kudos.dispatch-view")]
public sealed record DispatchView(
    string Id,
    DispatchStatus Status,
    int Attempts,
    DateTimeOffset? EnqueuedAt,
    DateTimeOffset? LastAttemptAt,
    DateTimeOffset? NextAttemptAt,
    DateTimeOffset? SentAt,
    string? ServerReply,
    string? LastError,
    string? MessageId,
    string? EmailType = null,
    int Priority = EmailMessage.DefaultPriority,
    string? CorrelationId = null,
    string? ProviderMessageId = null,
    DateTimeOffset? ScheduledFor = null,
    DateTimeOffset? FinishedAt = null,
    int Opens = 0,
    int Clicks = 0);

/// <summary>A provider event as recorded in a dispatch's history.</summary>
[GenerateSerializer, Immutable, Alias("kudos.dispatch-event-view")]
public sealed record DispatchEventView(string WebhookId, string Type, DateTimeOffset OccurredAt, DateTimeOffset ReceivedAt, string? Detail);

/// <summary>One attempt and how it ended: <c>sent</c>, <c>transient</c>, <c>permanent</c>, <c>held</c> or <c>unknown</c>.</summary>
[GenerateSerializer, Immutable, Alias("kudos.attempt-view")]
public sealed record AttemptView(int Number, DateTimeOffset StartedAt, DateTimeOffset? EndedAt, string Outcome, string? ServerReply, string? Error);

/// <summary>A dispatch in full, for operators: the message's envelope and every attempt.</summary>
[GenerateSerializer, Immutable, Alias("kudos.dispatch-details")]
public sealed record DispatchDetails(
    DispatchView Dispatch,
    IReadOnlyList<Mailbox> To,
    IReadOnlyList<Mailbox> Cc,
    IReadOnlyList<Mailbox> Bcc,
    string Subject,
    string? TenantId,
    IReadOnlyList<AttemptView> Attempts,
    IReadOnlyList<DispatchEventView>? Events = null);
