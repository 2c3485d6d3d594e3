using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Kudos.Api.Webhooks;

/// <summary>
/// Verifies Standard Webhooks (Svix, as used by Resend) signatures: <c>v1,&lt;base64 HMAC-SHA256 of "{id}.{timestamp}.{body}"&gt;</c>
/// over the raw body bytes, any of several space-separated signatures against any configured secret, compared in
/// constant time over the full length, with the timestamp within a tolerance of now.
/// </summary>
public sealed class WebhookSignature
{
    private readonly IReadOnlyList<byte[]> _keys;
    private readonly TimeSpan _tolerance;

    public WebhookSignature(IEnumerable<string> secrets, TimeSpan tolerance)
    {
        _keys = [.. secrets.Select(DecodeSecret)];
        _tolerance = tolerance;
    }

    /// <summary>Null when the request is authentic; otherwise why not (for the 401's detail).</summary>
    public string? Verify(string? id, string? timestamp, string? signatures, ReadOnlySpan<byte> body, DateTimeOffset now)
    {
        if (_keys.Count == 0)
        {
            return "No webhook secret is configured (Webhooks:EmailEvents:Secrets).";
        }

        if (string.IsNullOrEmpty(id) || string.IsNullOrEmpty(timestamp) || string.IsNullOrEmpty(signatures))
        {
            return "The webhook-id, webhook-timestamp and webhook-signature headers are required.";
        }

        if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            || seconds > DateTimeOffset.MaxValue.ToUnixTimeSeconds())
        {
            return "webhook-timestamp must be Unix seconds.";
        }

        var skew = now - DateTimeOffset.FromUnixTimeSeconds(seconds);
        if (skew.Duration() > _tolerance)
        {
            return $"webhook-timestamp is {Math.Abs(skew.TotalSeconds):0} s {(skew > TimeSpan.Zero ? "old" : "in the future")}; at most {_tolerance.TotalSeconds:0} s is accepted.";
        }

        var prefix = Encoding.UTF8.GetBytes($"{id}.{timestamp}.");
        var signed = new byte[prefix.Length + body.Length];
        prefix.CopyTo(signed, 0);
        body.CopyTo(signed.AsSpan(prefix.Length));

        Span<byte> expected = stackalloc byte[HMACSHA256.HashSizeInBytes];
        Span<byte> presented = stackalloc byte[HMACSHA256.HashSizeInBytes];
        var matched = false;
        foreach (var candidate in signatures.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (!candidate.StartsWith("v1,", StringComparison.Ordinal)
                || !Convert.TryFromBase64String(candidate[3..], presented, out var written)
                || written != presented.Length)
            {
                continue;
            }

            foreach (var key in _keys)
            {
                HMACSHA256.HashData(key, signed, expected);
                // Every candidate is compared against every key, without an early exit on a match.
                matched |= CryptographicOperations.FixedTimeEquals(expected, presented);
            }
        }

        return matched ? null : "No webhook-signature matches the body with a configured secret.";
    }

    /// <summary>The secret's key bytes: the base64 after <c>whsec_</c>.</summary>
    public static byte[] DecodeSecret(string secret)
    {
        var encoded = secret.StartsWith("whsec_", StringComparison.Ordinal) ? secret[6..] : secret;
        try
        {
            return Convert.FromBase64String(encoded);
        }
        catch (FormatException)
        {
            throw new InvalidOperationException("Webhooks:EmailEvents:Secrets must hold whsec_<base64> values.");
        }
    }
}
