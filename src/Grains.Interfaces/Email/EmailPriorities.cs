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

    /// <summary>The owner's warning before the instant (few cards) or that an empty board was held: they may want to act.</summary>
    public const int OwnerWarning = 4;

    /// <summary>A contributor's receipt for the card they just wrote.</summary>
    public const int CardReceipt = 4;

    /// <summary>The recipient's thank-you note.</summary>
    public const int Thanks = Default;

    /// <summary>A contributor told the board was delivered.</summary>
    public const int ContributorDelivered = 6;
}

/// <summary>Limits on a message handed to the outbox (documented in the README).</summary>
public static class EmailLimits
{
    /// <summary>The most attempts a message may ask for (<see cref="EmailMessage.MaxAttempts"/>).</summary>
    public const int MaxAttempts = 100;
}
