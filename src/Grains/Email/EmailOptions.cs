namespace Kudos.Grains.Email;

/// <summary>Email settings (configuration section <c>Email</c>).</summary>
public sealed class EmailOptions
{
    public const string Section = "Email";

    /// <summary>The sender mailbox, e.g. <c>Kudos &lt;kudos@example.com&gt;</c>.</summary>
    public string From { get; set; } = "Kudos <kudos@localhost>";

    /// <summary>How transient failures are retried.</summary>
    public RetryPolicy Retry { get; set; } = new();
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
