using Kudos.Grains.Email;

namespace Kudos.Grains.Boards;

/// <summary>Validation of user-supplied values. Each failure names the field and says what is allowed.</summary>
public static class InputRules
{
    /// <summary>A trimmed, non-empty text of at most <paramref name="max"/> characters, without control characters.</summary>
    public static string Text(string? value, string field, int max, bool multiline = false)
    {
        var trimmed = value?.Trim() ?? "";
        if (trimmed.Length == 0)
        {
            throw KudosException.Invalid(field, $"'{field}' is required.");
        }

        if (trimmed.Length > max)
        {
            throw KudosException.Invalid(field, $"'{field}' is {trimmed.Length} characters long; the limit is {max}.");
        }

        foreach (var c in trimmed)
        {
            if (char.IsControl(c) && !(multiline && c is '\n' or '\r' or '\t'))
            {
                throw KudosException.Invalid(field, $"'{field}' contains a control character (U+{(int)c:X4}).");
            }
        }

        return trimmed;
    }

    /// <summary>Like <see cref="Text"/>, but null, empty or blank is allowed and means none (null).</summary>
    public static string? OptionalText(string? value, string field, int max, bool multiline = false) =>
        string.IsNullOrWhiteSpace(value) ? null : Text(value, field, max, multiline);

    /// <summary>A known empty-board policy, or null when none was given.</summary>
    public static EmptyBoardPolicy? Policy(EmptyBoardPolicy? value) =>
        value is null || Enum.IsDefined(value.Value)
            ? value
            : throw KudosException.Invalid("emptyBoardPolicy", "'emptyBoardPolicy' must be HoldAndAsk or DeliverAnyway.");

    /// <summary>A single plain address (<see cref="Addresses.TryParse"/>), in trimmed form.</summary>
    public static string Email(string? value, string field)
    {
        var trimmed = value?.Trim() ?? "";
        if (trimmed.Length == 0)
        {
            throw KudosException.Invalid(field, $"'{field}' is required.");
        }

        return Addresses.TryParse(trimmed, out var address)
            ? address
            : throw KudosException.Invalid(field, $"'{field}' must be a single email address such as name@example.com.");
    }

    /// <summary>A known IANA time-zone id; null or empty means UTC.</summary>
    public static string TimeZone(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return "UTC";
        }

        var id = value.Trim();
        if (id.Length > BoardLimits.MaxTimeZoneLength
            || !TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone)
            || !zone.HasIanaId)
        {
            throw KudosException.Invalid("timeZone", $"'timeZone' '{id}' is not a known IANA time zone (e.g. Europe/Paris, America/New_York, UTC).");
        }

        return id;
    }

    /// <summary>A delivery instant strictly after <paramref name="now"/> and at most <see cref="BoardLimits.MaxScheduleAhead"/> ahead.</summary>
    public static DateTimeOffset DeliverAt(DateTimeOffset value, DateTimeOffset now)
    {
        var utc = value.ToUniversalTime();
        if (utc <= now)
        {
            throw KudosException.Invalid("deliverAt", $"'deliverAt' must be in the future; it was {Words.Date(utc, "UTC")}, and it is now {Words.Date(now, "UTC")}.");
        }

        if (utc > now + BoardLimits.MaxScheduleAhead)
        {
            throw KudosException.Invalid("deliverAt", $"'deliverAt' may be at most {BoardLimits.MaxScheduleAhead.TotalDays:0} days ahead.");
        }

        return utc;
    }
}
