using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Kudos.Grains;
using Kudos.Grains.Boards;
using Kudos.Grains.Security;

namespace Kudos.Api.Http;

/// <summary>
/// The <c>Idempotency-Key</c> header (IETF httpapi idempotency-key draft) on the routes that create something. The key
/// never leaves the API: the request id and the keys a create returns (board, owner, contribution and card keys) are
/// HMAC-SHA-256 of the key and its scope (route, and board) under a server secret, so a retry derives the same ones and
/// the board answers with the first response while storing, as always, only the keys' hashes. The content fingerprint
/// (SHA-256 of the request's content as bound) tells a retry from a different request reusing the key (422).
/// </summary>
public sealed class Idempotency(IGrainFactory grains, IConfiguration configuration)
{
    public const string Header = "Idempotency-Key";
    public const int MinKeyLength = 16;
    public const int MaxKeyLength = 255;

    /// <summary>The configuration key of an operator-provided secret (base64, at least 32 bytes); otherwise one is kept in grain storage.</summary>
    public const string SecretKey = "Idempotency:Secret";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private byte[]? _secret;

    /// <summary>The request as the board sees it, or null without the header; <paramref name="keyCount"/> keys are derived.</summary>
    public async Task<IdempotentRequest?> ReadAsync<TContent>(HttpRequest request, string scope, TContent content, int keyCount)
    {
        var values = request.Headers[Header];
        if (values.Count == 0)
        {
            return null;
        }

        var key = values.Count == 1 ? Unquote(values[0] ?? "") : "";
        if (key.Length is < MinKeyLength or > MaxKeyLength || !key.All(c => c is > ' ' and <= '~'))
        {
            throw KudosException.Invalid(
                Header,
                $"'{Header}' must be one value of {MinKeyLength} to {MaxKeyLength} visible ASCII characters; a random UUID is best (it is what keeps a retry's answer yours).");
        }

        var secret = _secret ??= await SecretAsync();
        var id = Derive(secret, "request", scope, key);
        var keys = Enumerable.Range(0, keyCount).Select(i => Base64Url.EncodeToString(Derive(secret, $"key{i}", scope, key))).ToList();
        var fingerprint = Convert.ToHexStringLower(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(content, Json)));
        return new IdempotentRequest(Convert.ToHexStringLower(id), fingerprint, keys);
    }

    /// <summary>The board id a create with this request gets (the first 128 bits of its id).</summary>
    public static Guid BoardId(IdempotentRequest request) => Guid.ParseExact(request.RequestId[..32], "N");

    private async Task<byte[]> SecretAsync()
    {
        if (configuration[SecretKey] is { Length: > 0 } configured)
        {
            var bytes = Convert.FromBase64String(configured);
            return bytes.Length >= 32 ? bytes : throw new InvalidOperationException($"{SecretKey} must be at least 32 bytes (base64).");
        }

        return await grains.GetGrain<IServerSecretGrain>("idempotency").GetAsync();
    }

    // A structured-field string ("…") per the draft, or the bare token many clients send.
    private static string Unquote(string value) =>
        value.Length >= 2 && value[0] == '"' && value[^1] == '"' ? value[1..^1] : value;

    private static byte[] Derive(byte[] secret, string purpose, string scope, string key) =>
        HMACSHA256.HashData(secret, Encoding.UTF8.GetBytes($"{purpose}\n{scope}\n{key}"));
}
