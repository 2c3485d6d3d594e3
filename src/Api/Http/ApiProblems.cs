using System.Text;
using System.Text.Json;
using Kudos.Grains;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Net.Http.Headers;

namespace Kudos.Api.Http;

/// <summary>
/// The RFC 9457 problems the API answers with, built in one place: from the grains' <see cref="KudosException"/> and from
/// what the framework reports while reading a request (malformed JSON, wrong media type, a body over the limit).
/// </summary>
public static class ApiProblems
{
    /// <summary>Prefix of every problem <c>type</c>; the rest is the problem's code with dashes.</summary>
    public const string TypeBase = "https://kudos.example/problems/";

    /// <summary>The detail of a 415 for a body that is not JSON.</summary>
    public const string NotJsonDetail = "The request body must be JSON (Content-Type: application/json).";

    public static ProblemDetails FromKudos(KudosException ex)
    {
        var (status, title) = ex.Kind switch
        {
            _ when ex.Code == "unsupported_media_type" => (StatusCodes.Status415UnsupportedMediaType, "Unsupported media type"),
            KudosErrorKind.NotFound => (StatusCodes.Status404NotFound, "Not found"),
            KudosErrorKind.Conflict => (StatusCodes.Status409Conflict, "Conflict"),
            KudosErrorKind.Forbidden => (StatusCodes.Status403Forbidden, "Sealed"),
            KudosErrorKind.Unavailable => (StatusCodes.Status503ServiceUnavailable, "Service unavailable"),
            KudosErrorKind.Unprocessable => (StatusCodes.Status422UnprocessableEntity, "Unprocessable request"),
            KudosErrorKind.QuotaExceeded => (StatusCodes.Status429TooManyRequests, "Quota exceeded"),
            KudosErrorKind.Unauthorized => (StatusCodes.Status401Unauthorized, "Unauthorized"),
            _ => (StatusCodes.Status400BadRequest, "Invalid request"),
        };
        return Create(status, title, ex.Code, ex.Detail, ex.Field);
    }

    /// <summary>A picture the image pipeline refused: its status (413, 415 or 422), code and detail.</summary>
    public static ProblemDetails FromImage(Images.ImageRejectedException ex) => Create(
        ex.StatusCode,
        ex.StatusCode switch
        {
            StatusCodes.Status413PayloadTooLarge => "Picture too large",
            StatusCodes.Status415UnsupportedMediaType => "Unsupported picture type",
            _ => "Picture refused",
        },
        ex.Code,
        ex.Detail,
        field: null);

    /// <summary>A problem for what the framework found wrong while reading the request, or null when it is something else.</summary>
    public static ProblemDetails? FromRequestReading(Exception exception, HttpRequest request) => exception switch
    {
        BadHttpRequestException { InnerException: JsonException json } => MalformedJson(json),
        JsonException json => MalformedJson(json),
        BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } => TooLarge(),
        BadHttpRequestException { StatusCode: StatusCodes.Status415UnsupportedMediaType } => UnsupportedMediaType(request),
        BadHttpRequestException ex => Create(StatusCodes.Status400BadRequest, "Bad request", "bad_request", ex.Message, field: null),

        // The framework's JSON reader throws these for a charset it cannot decode (NotSupportedException for utf-7, which .NET
        // disables): the client's choice, not a fault of the server.
        InvalidOperationException or NotSupportedException when UnknownCharset(request) is not null => UnsupportedMediaType(request),
        _ => null,
    };

    /// <summary>The detail and code of a problem the framework answered by status alone (no exception reached the handler).</summary>
    public static void CompleteStatusOnly(ProblemDetails problem, HttpContext context)
    {
        var completed = problem.Status switch
        {
            StatusCodes.Status413PayloadTooLarge => TooLarge(),
            StatusCodes.Status415UnsupportedMediaType => UnsupportedMediaType(context.Request),
            _ => null,
        };
        if (completed is not null && !problem.Extensions.ContainsKey("code"))
        {
            problem.Title = completed.Title;
            problem.Type = completed.Type;
            problem.Detail = completed.Detail;
            problem.Extensions["code"] = completed.Extensions["code"];
            return;
        }

        problem.Detail ??= problem.Status switch
        {
            StatusCodes.Status404NotFound => $"Nothing at {context.Request.Path}: check the id (a GUID) and the path.",
            StatusCodes.Status405MethodNotAllowed => $"{context.Request.Method} is not allowed on {context.Request.Path}.",
            _ => "The request could not be processed as sent.",
        };
    }

    /// <summary>A 429 for a client over a rate limit; the caller sets <c>Retry-After</c>.</summary>
    public static ProblemDetails RateLimited(string detail) =>
        Create(StatusCodes.Status429TooManyRequests, "Too many requests", "rate_limited", detail, field: null);

    public static ProblemDetails TooLarge() => Create(
        StatusCodes.Status413PayloadTooLarge,
        "Request body too large",
        "body_too_large",
        $"The request body is larger than the limit of {RequestBodies.MaxBytes / 1024} KB.",
        field: null);

    private static ProblemDetails UnsupportedMediaType(HttpRequest request) => Create(
        StatusCodes.Status415UnsupportedMediaType,
        "Unsupported media type",
        "unsupported_media_type",
        UnknownCharset(request) is { } charset
            ? $"The charset '{Truncate(charset)}' is not supported: send the JSON body as UTF-8 (Content-Type: application/json)."
            : NotJsonDetail,
        field: null);

    private static ProblemDetails MalformedJson(JsonException ex)
    {
        var field = FieldOf(ex.Path);
        var where = ex.Path is null or "$" ? "" : $" at '{ex.Path}'";
        var line = ex.LineNumber is { } l ? $" (line {l + 1}, byte {ex.BytePositionInLine + 1})" : "";
        return Create(
            StatusCodes.Status400BadRequest,
            "Invalid request",
            "malformed_json",
            $"The request body is not valid JSON for this request{where}{line}: expected a JSON object whose members have the documented types.",
            field);
    }

    private static ProblemDetails Create(int status, string title, string code, string detail, string? field)
    {
        var problem = new ProblemDetails { Status = status, Title = title, Detail = detail, Type = TypeBase + code.Replace('_', '-') };
        problem.Extensions["code"] = code;
        if (field is not null)
        {
            problem.Extensions["errors"] = new Dictionary<string, string[]> { [field] = [detail] };
        }

        return problem;
    }

    /// <summary>The top-level member a JSON path points into: <c>$.contributorEmails[2]</c> → <c>contributorEmails</c>.</summary>
    private static string? FieldOf(string? path)
    {
        if (path is null || !path.StartsWith("$.", StringComparison.Ordinal))
        {
            return null;
        }

        var end = path.AsSpan(2).IndexOfAny('.', '[');
        return end < 0 ? path[2..] : path.Substring(2, end);
    }

    private static string? UnknownCharset(HttpRequest request)
    {
        // "charset=" with no value is named too: the framework's reader fails on it like on an unknown name.
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var mediaType)
            || !mediaType.Parameters.Any(p => p.Name.Equals("charset", StringComparison.OrdinalIgnoreCase)))
        {
            return null;
        }

        var charset = mediaType.Charset.ToString().Trim('"');
        try
        {
            Encoding.GetEncoding(charset);
            return null;
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException)
        {
            return charset;
        }
    }

    private static string Truncate(string value) => value.Length <= 40 ? value : value[..40] + "…";
}
