namespace Kudos.Grains;

/// <summary>Product settings (configuration section <c>Kudos</c>).</summary>
public sealed class KudosOptions
{
    public const string Section = "Kudos";

    /// <summary>The public address of the web client and API, used to build the links in emails.</summary>
    public Uri PublicBaseUrl { get; set; } = new("http://127.0.0.1:5080");

    /// <summary>
    /// Period of the board's <c>deliver</c> reminder and of the dispatch's <c>send</c> reminder. Orleans does not replay a
    /// tick missed while the cluster was down: it fires at the next period boundary, so this bounds how late a delivery
    /// or retry can be after an outage or a silo crash. Ticks cost nothing before the first due time.
    /// </summary>
    public TimeSpan ReminderPeriod { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// A delivered board keeps its <c>deliver</c> reminder until its delivery email's dispatch reports an outcome and the
    /// owner's notice is seen sent; when the dispatch it waits for has not finished this long after the hand-off (a silo
    /// died before the first attempt), the board wakes it, and it resumes. The first attempts then need no reminder of their own.
    /// </summary>
    public TimeSpan DeliveryOutcomeBackstop { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How many boards of one silo run their due step (unlock, record and hand off the delivery email) at once; the rest wait
    /// in <see cref="Scheduling.DueWorkGate"/>, earliest instant first. Bounds the database connections a burst of due
    /// boards takes (each step holds one at a time).
    /// </summary>
    public int DueWorkConcurrency { get; set; } = 16;

    /// <summary>
    /// A board with fewer cards than this is "thin": its owner is warned <see cref="FewCardsWarningLead"/> before the
    /// instant, and "deliver now" needs an explicit confirmation (<c>confirmFewCards=true</c>). 0 turns both off.
    /// </summary>
    public int FewCardsThreshold { get; set; } = 3;

    /// <summary>
    /// How long before the delivery instant the owner of a thin board is warned by email (once per instant; not when the
    /// instant was set closer than this, nor while the owner's address is unconfirmed).
    /// </summary>
    public TimeSpan FewCardsWarningLead { get; set; } = TimeSpan.FromHours(48);

    /// <summary>What a new board does at its instant with no cards when its owner does not choose.</summary>
    public Boards.EmptyBoardPolicy DefaultEmptyBoardPolicy { get; set; } = Boards.EmptyBoardPolicy.HoldAndAsk;

    /// <summary>How long before the delivery instant invitees who have not posted are reminded.</summary>
    public TimeSpan InviteReminderLead { get; set; } = TimeSpan.FromHours(24);

    /// <summary>
    /// How long a per-entity grain (board, owner, dispatch, suppression, …) stays activated without calls before it is
    /// deactivated, so idle scheduled boards cost storage rows but no memory (Orleans' default for other grains is 15
    /// minutes). More than one minute, Orleans' collection quantum.
    /// </summary>
    public TimeSpan IdleCollectionAge { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// After this many activations were deactivated (idle collection after a burst), the silo runs one full, compacting
    /// garbage collection that returns the freed memory to the operating system; checked once a minute, and only once the
    /// wave has slowed (fewer than this many deactivations in the last minute). An idle silo
    /// allocates too little to collect on its own, so without it the memory of collected boards stays with the process.
    /// 0 turns it off.
    /// </summary>
    public int MemoryTrimAfterDeactivations { get; set; } = 1000;
}
