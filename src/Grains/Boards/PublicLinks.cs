namespace Kudos.Grains.Boards;

/// <summary>The product's public address as the start of every link in an email (no trailing slash).</summary>
internal static class PublicLinks
{
    public static string Base(Uri publicBaseUrl) => $"{publicBaseUrl.GetLeftPart(UriPartial.Authority)}{publicBaseUrl.AbsolutePath.TrimEnd('/')}";

    /// <summary>The owner's page of a board; it carries no key (the owner's browser holds their credential).</summary>
    public static string OwnerPage(Uri publicBaseUrl, Guid boardId) => $"{Base(publicBaseUrl)}/o/{boardId:N}";
}
