using System.Security.Cryptography;
using System.Text;
using Kudos.Api.Http;

namespace Kudos.Api.Admin;

/// <summary>Admin settings (configuration section <c>Admin</c>).</summary>
public sealed class AdminOptions
{
    public const string Section = "Admin";

    /// <summary>The operators' key, sent as <c>Authorization: Bearer</c>. Without one, the admin API refuses everyone.</summary>
    public string? Key { get; set; }
}

/// <summary>Lets a request through only with the configured admin key, compared in constant time.</summary>
public sealed class AdminKeyFilter(Microsoft.Extensions.Options.IOptions<AdminOptions> options) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var configured = options.Value.Key;
        var presented = CapabilityKey.From(context.HttpContext.Request);
        if (string.IsNullOrEmpty(configured) || !CryptographicOperations.FixedTimeEquals(Digest(presented), Digest(configured)))
        {
            context.HttpContext.Response.Headers.WWWAuthenticate = "Bearer realm=\"kudos-admin\"";
            return TypedResults.Problem(
                statusCode: StatusCodes.Status401Unauthorized,
                title: "Unauthorized",
                detail: string.IsNullOrEmpty(configured)
                    ? "The admin API is disabled: no Admin:Key is configured."
                    : "The admin API needs the admin key as 'Authorization: Bearer <key>'.");
        }

        return await next(context);
    }

    // Hashing first gives both sides the same length, so the comparison leaks nothing about the key's length.
    private static byte[] Digest(string value) => SHA256.HashData(Encoding.UTF8.GetBytes(value));
}
