namespace Kudos.Grains.Email;

/// <summary>The persisted state of one dispatch (storage state name <c>dispatch</c>). Property names are the stored JSON.</summary>
public sealed class DispatchState
{
    public DispatchStatus Status { get; set; }

    public EmailMessage? Message { get; set; }

    public string MessageId { get; set; } = "";

    public int Attempts { get; set; }

    public DateTimeOffset? EnqueuedAt { get; set; }

    public DateTimeOffset? LastAttemptAt { get; set; }

    public DateTimeOffset? NextAttemptAt { get; set; }

    public DateTimeOffset? SentAt { get; set; }

    /// <summary>When the dispatch reached Sent, Failed, Suppressed, Held or Cancelled.</summary>
    public DateTimeOffset? FinishedAt { get; set; }

    public string? ServerReply { get; set; }

    public string? ProviderMessageId { get; set; }

    public string? LastError { get; set; }

    /// <summary>An operator released this Held message: the allowed-recipients list no longer applies to it.</summary>
    public bool Released { get; set; }

    /// <summary>
    /// The last status reported to the board named by the message, as of the last write (the mark itself is not written:
    /// the board ignores a status it already took, so a report repeated after a new activation is harmless).
    /// </summary>
    public DispatchStatus ReportedStatus { get; set; }

    public List<AttemptRecord> History { get; set; } = [];

    /// <summary>Provider events, newest last; older than the retention period they are dropped.</summary>
    public List<ProviderEventRecord> Events { get; set; } = [];

    /// <summary>Webhook ids already applied, so a repeated delivery changes nothing.</summary>
    public HashSet<string> AppliedEventIds { get; set; } = [];

    public int Opens { get; set; }

    public int Clicks { get; set; }
}

/// <summary>A provider event in a dispatch's history.</summary>
public sealed class ProviderEventRecord
{
    public string WebhookId { get; set; } = "";

    public string Type { get; set; } = "";

    public DateTimeOffset OccurredAt { get; set; }

    public DateTimeOffset ReceivedAt { get; set; }

    public string? Detail { get; set; }
}

/// <summary>One attempt and how it ended.</summary>
public sealed class AttemptRecord
{
    public int Number { get; set; }

    public DateTimeOffset StartedAt { get; set; }

    public DateTimeOffset? EndedAt { get; set; }

    /// <summary><c>sent</c>, <c>transient</c>, <c>permanent</c>, <c>held</c> or <c>unknown</c> (the silo stopped mid-send).</summary>
    public string Outcome { get; set; } = "";

    public string? ServerReply { get; set; }

    public string? Error { get; set; }
}
