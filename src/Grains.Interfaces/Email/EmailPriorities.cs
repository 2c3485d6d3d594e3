namespace Kudos.Grains.Email;

/// <summary>Message priorities: 1 is the highest; when the send rate holds messages back, lower numbers go first.</summary>
public static class EmailPriorities
{
    public const int Highest = 1;
    public const int Lowest = 10;

    /// <summary>A message that does not say.</summary>
    public const int Default = 5;

    /// <summary>The owner's notice that a delivery failed: the most urgent mail the product sends.</summary>
    public const int OwnerNotice = Highest;

    /// <summary>The link that confirms a new owner's address: nothing else leaves for the board until it is used.</summary>
    public const int OwnerConfirmation = Highest;

    /// <summary>The board to its recipient, at the delivery instant.</summary>
    public const int Delivery = 2;

    /// <summary>An invitee's reminder, shortly before delivery.</summary>
    public const int InviteeReminder = 4;

    /// <summary>An invitation to contribute.</summary>
    public const int Invitation = Default;
}

/// <summary>Limits on a message handed to the outbox (documented in the README).</summary>
public static class EmailLimits
{
    /// <summary>The most attempts a message may ask for (<see cref="EmailMessage.MaxAttempts"/>).</summary>
    public const int MaxAttempts = 100;
}
