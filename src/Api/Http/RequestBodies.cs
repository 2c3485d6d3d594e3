using Kudos.Grains;

namespace Kudos.Api.Http;

/// <summary>
/// JSON request bodies are bound by the framework (typed parameters, so they appear in the OpenAPI document); what can go
/// wrong while reading one becomes a problem in <see cref="KudosExceptionHandler"/>. This holds what the handlers share.
/// </summary>
public static class RequestBodies
{
    /// <summary>The largest request body accepted (Kestrel's limit is set to the same value).</summary>
    public const long MaxBytes = 64 * 1024;

    /// <summary>
    /// The bound body. When there is none (an empty body, or the JSON literal <c>null</c>): a 415 if the request did not say
    /// it sends JSON, else a 400 <c>empty_body</c>. Body parameters are declared nullable so that these answers, not the
    /// framework's, name the problem.
    /// </summary>
    public static T Required<T>(T? body, HttpRequest request)
        where T : class =>
        body ?? throw (request.HasJsonContentType()
            ? new KudosException(KudosErrorKind.Validation, "empty_body", "The request body must be a JSON object, not empty or null.")
            : new KudosException(KudosErrorKind.Validation, "unsupported_media_type", ApiProblems.NotJsonDetail));
}
