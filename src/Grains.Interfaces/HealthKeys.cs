using System.Globalization;

namespace Kudos.Grains;

/// <summary>Keys of the analytics and health grains.</summary>
public static class HealthKeys
{
    /// <summary>The one cluster-wide health grain.</summary>
    public const string Cluster = "cluster";

    /// <summary>The analytics grain of the UTC day of <paramref name="at"/>.</summary>
    public static string Day(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
