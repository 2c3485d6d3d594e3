namespace Kudos.Api.OpenApi;

/// <summary>Marks a request body record: its schema requires only the members marked <c>[Required]</c>.</summary>
public interface IRequestBody;

/// <summary>The capability keys an operation accepts, each sent as <c>Authorization: Bearer &lt;key&gt;</c>.</summary>
public enum ApiKey
{
    /// <summary>The owner key returned when the board was created.</summary>
    Owner,

    /// <summary>The contribution key shared with contributors.</summary>
    Contribute,

    /// <summary>The card key returned when a card was posted.</summary>
    Card,

    /// <summary>The recipient key from the delivery email's link.</summary>
    Recipient,

    /// <summary>The operators' key (<c>Admin:Key</c>).</summary>
    Admin,

    /// <summary>The owner credential issued when the owner confirmed their address (<c>oc_…</c>): opens every board of that address.</summary>
    OwnerCredential,

    /// <summary>A contributor's own key, from the "delivered" email sent to contributors who left an address: reads and reacts after delivery.</summary>
    Reader,
}

/// <summary>Endpoint metadata: the keys an operation accepts (any one of them); <paramref name="Optional"/> when it works without one too.</summary>
public sealed record AcceptsKeysMetadata(IReadOnlyList<ApiKey> Keys, bool Optional = false);

/// <summary>Endpoint metadata: the request body is a file of one of <paramref name="ContentTypes"/>, sent as is (its type checked by the handler).</summary>
public sealed record BinaryBodyMetadata(IReadOnlyList<string> ContentTypes);

/// <summary>Endpoint metadata: the operation honours an <c>Idempotency-Key</c> header.</summary>
public sealed record IdempotentMetadata;

/// <summary>
/// How endpoints declare their contract beyond their types: which key they take and which problems they can answer.
/// The OpenAPI transformers (<see cref="OpenApiSetup"/>) turn these into <c>security</c>, descriptions and responses.
/// </summary>
public static class ApiContract
{
    /// <summary>Problems any operation can answer: rate limited (with <c>Retry-After</c>) and cluster unreachable.</summary>
    public static readonly IReadOnlyList<int> Always = [StatusCodes.Status429TooManyRequests, StatusCodes.Status503ServiceUnavailable];

    /// <summary>Problems of reading a JSON body: invalid input, too large, not JSON.</summary>
    public static readonly IReadOnlyList<int> Body =
        [StatusCodes.Status400BadRequest, StatusCodes.Status413PayloadTooLarge, StatusCodes.Status415UnsupportedMediaType];

    /// <summary>The operation takes one of these keys as <c>Authorization: Bearer</c>.</summary>
    public static TBuilder AcceptsKeys<TBuilder>(this TBuilder builder, params ApiKey[] keys)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new AcceptsKeysMetadata(keys));

    /// <summary>The operation works without a key, and does more with this one (<c>Authorization: Bearer</c>).</summary>
    public static TBuilder AcceptsOptionalKey<TBuilder>(this TBuilder builder, ApiKey key)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new AcceptsKeysMetadata([key], Optional: true));

    /// <summary>Declares the problems the operation can answer, besides <see cref="Always"/>: each as <c>application/problem+json</c>.</summary>
    public static RouteHandlerBuilder WithProblems(this RouteHandlerBuilder builder, params int[] statuses)
    {
        foreach (var status in statuses.Concat(Always).Distinct().Order())
        {
            builder.ProducesProblem(status);
        }

        return builder;
    }

    /// <summary>The operation honours <c>Idempotency-Key</c> (documented as a header parameter) and answers 422 for a reused key.</summary>
    public static RouteHandlerBuilder Idempotent(this RouteHandlerBuilder builder) =>
        builder.WithMetadata(new IdempotentMetadata()).ProducesProblem(StatusCodes.Status422UnprocessableEntity);

    /// <summary>As <see cref="WithProblems"/>, for an operation that reads a JSON body (adds <see cref="Body"/>).</summary>
    public static RouteHandlerBuilder WithBodyProblems(this RouteHandlerBuilder builder, params int[] statuses) =>
        builder.WithProblems([.. Body, .. statuses]);
}
