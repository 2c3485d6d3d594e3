namespace Kudos.Grains.Boards;

/// <summary>The product's public address as the start of every link in an email (no trailing slash).</summary>
internal static class PublicLinks
{
    public static string Base(Uri publicBaseUrl) => $"{publicBaseUrl.GetLeftPart(UriPartial.Authority)}{publicBaseUrl.AbsolutePath.TrimEnd('/')}";
}
