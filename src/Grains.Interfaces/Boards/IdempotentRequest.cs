namespace Kudos.Grains.Boards;

/// <summary>
/// A request that carried an <c>Idempotency-Key</c>, as the API derived it. The client's key itself never reaches a grain:
/// <paramref name="RequestId"/> and <paramref name="Keys"/> are HMACs of it under a server secret, so a retry derives the
/// same id and the same capability keys again and the board can answer it with the first response while storing only
/// the keys' hashes. <paramref name="Fingerprint"/> is a hash of the request's content: the same key with other content
/// is refused.
/// </summary>
[GenerateSerializer, Immutable, Alias("kudos.idempotent-request")]
public sealed record IdempotentRequest(string RequestId, string Fingerprint, IReadOnlyList<string> Keys);
