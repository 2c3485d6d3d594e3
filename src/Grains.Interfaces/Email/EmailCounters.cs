namespace Kudos.Grains.Email;

/// <summary>The counters one dispatch transition or provider event adds to.</summary>
public static class EmailCounters
{
    public const string Sent = "sent";
    public const string Delivered = "delivered";
    public const string Opened = "opened";
    public const string Clicked = "clicked";
    public const string Bounced = "bounced";
    public const string Complained = "complained";
    public const string Failed = "failed";
    public const string Suppressed = "suppressed";
}
