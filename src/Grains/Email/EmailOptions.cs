namespace Kudos.Grains.Email;

/// <summary>Email settings (configuration section <c>Email</c>).</summary>
public sealed class EmailOptions
{
    public const string Section = "Email";

    /// <summary>The sender mailbox, e.g. <c>Kudos &lt;kudos@example.com&gt;</c>.</summary>
    public string From { get; set; } = "Kudos <kudos@localhost>";

    /// <summary>How transient failures are retried.</summary>
    public RetryPolicy Retry { get; set; } = new();

    /// <summary>Soft bounces of one address, counted across messages, before it is suppressed for <see cref="SoftBounceSuppression"/>.</summary>
    public int SoftBounceLimit { get; set; } = 3;

    /// <summary>How long an address that reached <see cref="SoftBounceLimit"/> is suppressed.</summary>
    public TimeSpan SoftBounceSuppression { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Provider events older than this are dropped from a dispatch's history (by the dispatch itself).</summary>
    public TimeSpan EventRetention { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Backlog thresholds and the alert webhook.</summary>
    public BacklogAlertOptions Alerts { get; set; } = new();

    /// <summary>
    /// When not empty, only these recipients (addresses, or <c>@domain</c> entries) are sent to; a message to anyone else
    /// ends <c>Held</c> until an operator releases it — the situation of a provider still in its sandbox.
    /// </summary>
    public List<string> AllowedRecipients { get; set; } = [];

    /// <summary>
    /// A mailbox for <c>mailto:</c> unsubscribe requests, offered next to the one-click URL in <c>List-Unsubscribe</c>;
    /// omitted when empty (mail sent to it is read by its operator or provider, not by this product).
    /// </summary>
    public string? UnsubscribeMailbox { get; set; }
}

/// <summary>Exponential backoff with bounded jitter (configuration section <c>Email:Retry</c>).</summary>
public sealed class RetryPolicy
{
    /// <summary>Attempts in all, the first included, before a transient failure becomes <c>Failed</c>.</summary>
    public int MaxAttempts { get; set; } = 6;

    /// <summary>Delay before the second attempt.</summary>
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Growth of the delay per attempt.</summary>
    public double Factor { get; set; } = 3;

    /// <summary>The longest delay between two attempts.</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Relative jitter: each delay is scaled by a random factor in [1 − Jitter, 1 + Jitter].</summary>
    public double Jitter { get; set; } = 0.2;

    /// <summary>The delay after the failed attempt number <paramref name="attempt"/> (1-based); <paramref name="unitRandom"/> in [0, 1).</summary>
    public TimeSpan DelayAfter(int attempt, double unitRandom)
    {
        var exponent = Math.Max(0, attempt - 1);
        var raw = Math.Min(MaxDelay.TotalMilliseconds, BaseDelay.TotalMilliseconds * Math.Pow(Factor, exponent));
        var scale = 1 + (Jitter * ((2 * unitRandom) - 1));
        return TimeSpan.FromMilliseconds(Math.Max(0, raw * scale));
    }
}

/// <summary>When the outbox is backed up, and whom to tell (configuration section <c>Email:Alerts</c>).</summary>
public sealed class BacklogAlertOptions
{
    /// <summary>Pending messages at or above which the backlog is an incident.</summary>
    public int PendingThreshold { get; set; } = 500;

    /// <summary>Age of the oldest pending message at or above which the backlog is an incident.</summary>
    public TimeSpan OldestPendingThreshold { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Receives one POST when an incident starts and one when it ends; none when empty.</summary>
    public Uri? WebhookUrl { get; set; }

    /// <summary>How often the backlog is re-checked while there is one (ages grow without any event).</summary>
    public TimeSpan CheckInterval { get; set; } = TimeSpan.FromSeconds(30);
}
