using System.Globalization;

namespace Kudos.Grains.Boards;

/// <summary>
/// Dates, counts and names as people read them, for every email and user-facing message: an instant in the board's time
/// zone as a human date ("Thursday 24 December 2026 at 17:00 (Paris)"), counts with the right plural ("1 card", "2
/// cards"), lists joined with "and".
/// </summary>
public static class Words
{
    private static readonly CultureInfo English = CultureInfo.GetCultureInfo("en-GB");

    /// <summary>
    /// <paramref name="instant"/> in <paramref name="timeZone"/> (an IANA id; an unknown one reads as UTC), e.g.
    /// "Thursday 24 December 2026 at 17:00 (Europe/Paris)".
    /// </summary>
    public static string Date(DateTimeOffset instant, string? timeZone)
    {
        var zoneId = string.IsNullOrWhiteSpace(timeZone) ? "UTC" : timeZone;
        var zone = TimeZoneInfo.TryFindSystemTimeZoneById(zoneId, out var found) ? found : TimeZoneInfo.Utc;
        var local = TimeZoneInfo.ConvertTime(instant, zone);
        return local.ToString("dddd d MMMM yyyy 'at' HH:mm", English) + $" ({(zone == TimeZoneInfo.Utc ? "UTC" : zoneId)})";
    }

    /// <summary>"1 card", "2 cards", "0 cards"; <paramref name="plural"/> defaults to <paramref name="singular"/> + "s".</summary>
    public static string Count(int count, string singular, string? plural = null) =>
        count == 1 ? $"1 {singular}" : $"{count.ToString("N0", English)} {plural ?? singular + "s"}";

    /// <summary>"Ada", "Ada and Grace", "Ada, Grace and Linus".</summary>
    public static string List(IReadOnlyList<string> items) => items.Count switch
    {
        0 => "",
        1 => items[0],
        _ => $"{string.Join(", ", items.Take(items.Count - 1))} and {items[^1]}",
    };

    /// <summary>"a card", "an invitation", "2 cards", "0 cards": <see cref="Count"/>, but one reads with its article.</summary>
    public static string CountWithArticle(int count, string singular, string? plural = null) =>
        count == 1 ? $"{("aeiou".Contains(char.ToLowerInvariant(singular[0]), StringComparison.Ordinal) ? "an" : "a")} {singular}" : Count(count, singular, plural);

    /// <summary>
    /// People named up to <paramref name="named"/> + 1 of them, the rest counted: "Ada", "Ada and Linus", "Ada, Linus and
    /// Kate", "Ada, Linus and 3 others" (never "and 1 other": that one is named instead).
    /// </summary>
    public static string People(IReadOnlyList<string> names, int named = 2) =>
        names.Count <= named + 1
            ? List(names)
            : $"{string.Join(", ", names.Take(named))} and {Count(names.Count - named, "other")}";

    /// <summary>A title as the emails quote it: “Farewell Ada”.</summary>
    public static string Quoted(string title) => $"\u201c{title}\u201d";

    /// <summary>
    /// The distinct writers of <paramref name="cards"/> in posting order, by name (the owner appears only if they wrote a
    /// card themselves).
    /// </summary>
    public static IReadOnlyList<string> Writers(IEnumerable<CardState> cards) =>
        [.. cards.OrderBy(c => c.CreatedAt).Select(c => c.AuthorName).Distinct(StringComparer.OrdinalIgnoreCase)];
}
