namespace Kudos.Grains;

/// <summary>What kind of caller mistake a <see cref="KudosException"/> reports; the API maps it to an HTTP status.</summary>
public enum KudosErrorKind
{
    /// <summary>The input breaks a rule (length, format, time range). HTTP 400.</summary>
    Validation = 0,

    /// <summary>The resource does not exist, or the key does not open it. HTTP 404.</summary>
    NotFound = 1,

    /// <summary>The request contradicts the resource's current state (posting after delivery, …). HTTP 409.</summary>
    Conflict = 2,

    /// <summary>The key is valid but the content is not readable yet (sealed board). HTTP 403.</summary>
    Forbidden = 3,

    /// <summary>A dependency (the database) is unreachable; the caller may retry. HTTP 503.</summary>
    Unavailable = 4,

    /// <summary>Well-formed but not processable, e.g. an <c>Idempotency-Key</c> reused with other content. HTTP 422.</summary>
    Unprocessable = 5,

    /// <summary>A quota is exhausted; <see cref="KudosException.RetryAfter"/> says when it refills. HTTP 429.</summary>
    QuotaExceeded = 6,

    /// <summary>A credential was presented and is not valid (unknown, revoked, or for another address). HTTP 401.</summary>
    Unauthorized = 7,
}

/// <summary>
/// A caller's mistake, raised by grains and domain rules and carried across the Orleans boundary.
/// Grains know nothing of HTTP: the API turns these into RFC 9457 problem details.
/// </summary>
[GenerateSerializer]
[Alias("kudos.error")]
public sealed class KudosException : Exception
{
    public KudosException(KudosErrorKind kind, string code, string detail, string? field = null)
        : base(detail)
    {
        Kind = kind;
        Code = code;
        Detail = detail;
        Field = field;
    }

    /// <summary>The kind, which decides the HTTP status.</summary>
    [Id(0)]
    public KudosErrorKind Kind { get; }

    /// <summary>A stable machine-readable code, e.g. <c>board_sealed</c>.</summary>
    [Id(1)]
    public string Code { get; }

    /// <summary>A human-readable explanation for the caller.</summary>
    [Id(2)]
    public string Detail { get; }

    /// <summary>The input field concerned, when there is one (camelCase, as in the JSON body).</summary>
    [Id(3)]
    public string? Field { get; }

    /// <summary>For <see cref="KudosErrorKind.QuotaExceeded"/>: how long until the quota refills (sent as <c>Retry-After</c>).</summary>
    [Id(4)]
    public TimeSpan? RetryAfter { get; init; }

    public static KudosException Invalid(string field, string detail) => new(KudosErrorKind.Validation, "invalid_" + field, detail, field);

    public static KudosException NotFound(string what) => new(KudosErrorKind.NotFound, "not_found", $"No {what} with that id, or the key does not open it.");

    public static KudosException Conflict(string code, string detail) => new(KudosErrorKind.Conflict, code, detail);

    /// <summary>A quota named by <paramref name="code"/> is exhausted until <paramref name="retryAfter"/> has passed.</summary>
    public static KudosException Quota(string code, string detail, TimeSpan retryAfter) =>
        new(KudosErrorKind.QuotaExceeded, code, detail) { RetryAfter = retryAfter };

    /// <summary>The <c>Idempotency-Key</c> was used before with other content (IETF httpapi idempotency-key draft: 422).</summary>
    public static KudosException IdempotencyKeyReused() => new(
        KudosErrorKind.Unprocessable,
        "idempotency_key_reused",
        "This Idempotency-Key was already used for a request with different content; use a new key for a new request.",
        "Idempotency-Key");
}
