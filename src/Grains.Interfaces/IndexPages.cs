namespace Kudos.Grains;

/// <summary>
/// Page sizes of the <see cref="IIndexGrain"/> listings (held messages, suppressions, unmatched events), in one place for
/// the grain that cuts the page and the admin API that documents and validates it; the README states the maximum.
/// </summary>
public static class IndexPages
{
    /// <summary>The ids a listing returns when the caller gives no <c>limit</c>.</summary>
    public const int DefaultLimit = 100;

    /// <summary>The most ids one listing returns (and one admin release call takes).</summary>
    public const int MaxLimit = 500;

    /// <summary>The page size for a requested <paramref name="limit"/>: the default when absent, else within 1…<see cref="MaxLimit"/>.</summary>
    public static int For(int? limit) => limit is null ? DefaultLimit : Math.Clamp(limit.Value, 1, MaxLimit);
}
