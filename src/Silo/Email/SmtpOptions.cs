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

/// <summary>The SMTP server the silo sends through (configuration section <c>Smtp</c>).</summary>
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
}
