namespace Kudos.Api.Http;

/// <summary>Reads the capability key sent as <c>Authorization: Bearer &lt;key&gt;</c>. A missing key is an empty one: it opens nothing.</summary>
public static class CapabilityKey
{
    public static string From(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        const string prefix = "Bearer ";
        return header.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) ? header[prefix.Length..].Trim() : "";
    }
}
