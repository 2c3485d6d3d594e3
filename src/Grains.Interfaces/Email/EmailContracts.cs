namespace Kudos.Grains.Email;

/// <summary>A mailbox: display name and address.</summary>
[GenerateSerializer, Immutable, Alias("kudos.mailbox")]
public sealed record Mailbox(string Name, string Address);

/// <summary>One email to send. The sender comes from configuration.</summary>
[GenerateSerializer, Immutable, Alias("kudos.email-message")]
public sealed record EmailMessage(
    IReadOnlyList<Mailbox> To,
    string Subject,
    string HtmlBody,
    string TextBody,
    string EmailType,
    string? CorrelationId);

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
    string? MessageId);
