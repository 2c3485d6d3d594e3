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

    public string? ServerReply { get; set; }

    public string? LastError { get; set; }

    public List<AttemptRecord> History { get; set; } = [];
}

/// <summary>One attempt and how it ended.</summary>
public sealed class AttemptRecord
{
    public int Number { get; set; }

    public DateTimeOffset StartedAt { get; set; }

    public DateTimeOffset? EndedAt { get; set; }

    /// <summary><c>sent</c>, <c>transient</c>, <c>permanent</c> or <c>unknown</c> (the silo stopped mid-send).</summary>
    public string Outcome { get; set; } = "";

    public string? ServerReply { get; set; }

    public string? Error { get; set; }
}
