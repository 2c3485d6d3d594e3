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
    /// The bound body, or a 400 <c>empty_body</c> when none was sent or it was the JSON literal <c>null</c>. Body parameters
    /// are declared nullable so that this answer, not the framework's, names the problem.
    /// </summary>
    public static T Required<T>(T? body)
        where T : class =>
        body ?? throw new KudosException(KudosErrorKind.Validation, "empty_body", "The request body must be a JSON object, not empty or null.");
}
