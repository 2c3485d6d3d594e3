using System.Text.Json;
using Kudos.Grains;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace Kudos.Api.Http;

/// <summary>
/// Reads a JSON body so that every way it can be wrong (not JSON, wrong types, empty, too large) becomes a 4xx problem
/// with a detail that says where, instead of the framework's bare 400.
/// </summary>
public static class RequestBody
{
    /// <summary>The largest request body accepted (Kestrel's limit is set to the same value).</summary>
    public const long MaxBytes = 64 * 1024;

    public static async Task<T> ReadAsync<T>(HttpRequest request, CancellationToken cancellationToken)
        where T : class
    {
        if (!request.HasJsonContentType())
        {
            throw new KudosException(KudosErrorKind.Validation, "unsupported_media_type", "The request body must be JSON (Content-Type: application/json).");
        }

        if (request.ContentLength > MaxBytes)
        {
            throw TooLarge();
        }

        var options = request.HttpContext.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        try
        {
            return await request.ReadFromJsonAsync<T>(options, cancellationToken)
                ?? throw new KudosException(KudosErrorKind.Validation, "empty_body", "The request body must be a JSON object, not null.");
        }
        catch (JsonException ex)
        {
            var where = ex.Path is null or "$" ? "" : $" at '{ex.Path}'";
            var line = ex.LineNumber is { } l ? $" (line {l + 1}, byte {ex.BytePositionInLine + 1})" : "";
            throw new KudosException(KudosErrorKind.Validation, "malformed_json", $"The request body is not valid JSON for this request{where}{line}: expected a JSON object whose members have the documented types.");
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            throw TooLarge();
        }
    }

    private static KudosException TooLarge() =>
        new(KudosErrorKind.Validation, "body_too_large", $"The request body is larger than the limit of {MaxBytes / 1024} KB.");
}
