using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;

namespace Kudos.ServiceDefaults.Dashboard;

/// <summary>
/// HTTP Basic check against one configured user. Both values are hashed before a fixed-time comparison, so neither
/// their content nor their length leaks through timing.
/// </summary>
internal sealed class BasicAuthentication(string user, string password, string realm)
{
    private readonly byte[] _user = Hash(user);
    private readonly byte[] _password = Hash(password);

    /// <summary>Whether <paramref name="authorization"/> (an <c>Authorization</c> header) carries the configured credentials.</summary>
    public bool IsAuthorized(string? authorization)
    {
        if (!AuthenticationHeaderValue.TryParse(authorization, out var header)
            || !string.Equals(header.Scheme, "Basic", StringComparison.OrdinalIgnoreCase)
            || header.Parameter is not { Length: > 0 and <= 1024 } parameter)
        {
            return false;
        }

        string decoded;
        try
        {
            decoded = Encoding.UTF8.GetString(Convert.FromBase64String(parameter));
        }
        catch (FormatException)
        {
            return false;
        }

        var colon = decoded.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0)
        {
            return false;
        }

        // Both comparisons always run: no early exit on a wrong user name.
        var userMatches = CryptographicOperations.FixedTimeEquals(Hash(decoded[..colon]), _user);
        var passwordMatches = CryptographicOperations.FixedTimeEquals(Hash(decoded[(colon + 1)..]), _password);
        return userMatches & passwordMatches;
    }

    /// <summary>Answers 401 with the challenge that makes a browser ask for credentials.</summary>
    public Task ChallengeAsync(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        context.Response.Headers.WWWAuthenticate = $"Basic realm=\"{realm}\", charset=\"UTF-8\"";
        context.Response.Headers.CacheControl = "no-store";
        return Task.CompletedTask;
    }

    private static byte[] Hash(string value) => SHA256.HashData(Encoding.UTF8.GetBytes(value));
}
