using System.Globalization;
using System.Text.RegularExpressions;
using Kudos.Grains;

namespace Kudos.Api.Http;

/// <summary>Parses instants from requests. A time without an offset is ambiguous and refused: never read as "now".</summary>
public static partial class Instants
{
    /// <summary>An ISO 8601 date and time with a <c>Z</c> or <c>±hh:mm</c> offset (seconds and fractions optional).</summary>
    public const string Pattern = @"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?(Z|z|[+-]\d{2}:\d{2})$";

    /// <summary>How an instant is documented for clients.</summary>
    public const string Description = "ISO 8601 with an offset (Z or ±hh:mm), in the future (see the README for how far ahead); a time without an offset is refused. Omit (or null) for a draft.";

    public static DateTimeOffset? ParseOptional(string? value, string field)
    {
        if (value is null)
        {
            return null;
        }

        if (!WithOffset().IsMatch(value)
            || !DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed))
        {
            throw KudosException.Invalid(
                field,
                $"'{field}' must be an ISO 8601 date and time with an offset, e.g. 2026-12-24T18:00:00+01:00 or 2026-12-24T17:00:00Z (was '{Truncate(value)}').");
        }

        return parsed.ToUniversalTime();
    }

    private static string Truncate(string value) => value.Length <= 40 ? value : value[..40] + "…";

    [GeneratedRegex(Pattern, RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 100)]
    private static partial Regex WithOffset();
}
