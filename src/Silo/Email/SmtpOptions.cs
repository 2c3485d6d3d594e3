namespace Kudos.Silo.Email;

/// <summary>How the SMTP connection is secured.</summary>
public enum SmtpSecurity
{
    /// <summary>Plain text (a local catcher).</summary>
    None,

    /// <summary>TLS if the server offers STARTTLS, plain otherwise.</summary>
    Auto,

    /// <summary>STARTTLS required (port 587).</summary>
    StartTls,

    /// <summary>TLS from the first byte (port 465).</summary>
    SslOnConnect,
}

/// <summary>
/// The SMTP server the silo sends through (configuration section <c>Smtp</c>). The connection, concurrency and rate
/// limits are per silo: a cluster of N silos opens up to N × <see cref="MaxConnections"/> connections and sends up to
/// N × <see cref="MaxMessagesPerSecond"/> messages per second.
/// </summary>
public sealed class SmtpOptions
{
    public const string Section = "Smtp";

    public string Host { get; set; } = "127.0.0.1";

    public int Port { get; set; } = 2525;

    public SmtpSecurity Security { get; set; } = SmtpSecurity.Auto;

    /// <summary>User name for SMTP AUTH; no authentication when empty.</summary>
    public string? User { get; set; }

    public string? Password { get; set; }

    /// <summary>Bound on each network operation (connect, command, data); a stalled server is a transient failure.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Most SMTP connections this silo keeps open (connected and authenticated, reused between messages).</summary>
    public int MaxConnections { get; set; } = 4;

    /// <summary>Most messages this silo sends at the same time; unset = <see cref="MaxConnections"/>.</summary>
    public int? MaxConcurrency { get; set; }

    /// <summary>Most messages per second this silo hands to the server (e.g. a provider's quota); 0 = unlimited.</summary>
    public double MaxMessagesPerSecond { get; set; }

    /// <summary>A pooled connection unused for this long is closed (QUIT).</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The concurrency limit in effect: <see cref="MaxConcurrency"/>, or <see cref="MaxConnections"/> when unset.</summary>
    public int EffectiveConcurrency => MaxConcurrency ?? MaxConnections;
}
