namespace Kudos.Grains.Boards;

/// <summary>Every limit on board input, in one place (documented in the README).</summary>
public static class BoardLimits
{
    public const int MaxTitleLength = 200;
    public const int MaxNameLength = 100;
    public const int MaxMessageLength = 4000;
    public const int MaxCardsPerBoard = 500;
    public const int MaxEmailLength = Email.Addresses.MaxLength;
    public const int MaxTimeZoneLength = 64;
    public const int MaxInvitees = 100;
    public const int MaxNoteLength = 2000;
    public const int MaxThanksLength = 2000;
    public const int MaxImagesPerCard = 2;

    /// <summary>How far ahead a delivery may be scheduled.</summary>
    public static readonly TimeSpan MaxScheduleAhead = TimeSpan.FromDays(366);
}
