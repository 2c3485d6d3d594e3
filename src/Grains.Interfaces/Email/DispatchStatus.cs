namespace Kudos.Grains.Email;

/// <summary>The lifecycle of one outgoing email.</summary>
public enum DispatchStatus
{
    /// <summary>No message was enqueued under this id.</summary>
    None = 0,

    /// <summary>Waiting for its first attempt or for a retry.</summary>
    Pending = 1,

    /// <summary>An attempt is in progress.</summary>
    Sending = 2,

    /// <summary>The SMTP server accepted the message.</summary>
    Sent = 3,

    /// <summary>Permanently refused, or attempts exhausted.</summary>
    Failed = 4,

    /// <summary>Cancelled before it was sent.</summary>
    Cancelled = 5,

    /// <summary>The recipient is on the suppression list.</summary>
    Suppressed = 6,

    /// <summary>The recipient is not allowed yet (e.g. a provider sandbox); kept for release.</summary>
    Held = 7,

    /// <summary>The provider reports the message delivered to the recipient's server (after <see cref="Sent"/>).</summary>
    Delivered = 8,

    /// <summary>The provider reports a hard bounce: the address does not exist.</summary>
    Bounced = 9,

    /// <summary>The recipient marked the message as spam.</summary>
    Complained = 10,
}
