using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Kudos.Grains.Security;

/// <summary>
/// Capability keys: 256-bit random secrets in base64url. Only their SHA-256 hashes are stored, and a presented key is
/// compared by hashing it and comparing the hashes in constant time.
/// </summary>
public static class CapabilityKeys
{
    /// <summary>Longest string accepted as a key; anything longer is not a key and is never hashed.</summary>
    public const int MaxKeyLength = 64;

    /// <summary>A new random key: 32 bytes from the OS CSPRNG, base64url without padding (43 characters).</summary>
    public static string New() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    /// <summary>The stored form of a key: its SHA-256 hash, base64url.</summary>
    public static string Hash(string key) => Base64Url.EncodeToString(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    /// <summary>Whether <paramref name="presented"/> is the key whose hash is <paramref name="storedHash"/>, in constant time.</summary>
    public static bool Matches(string? presented, string? storedHash)
    {
        if (string.IsNullOrEmpty(presented) || presented.Length > MaxKeyLength || string.IsNullOrEmpty(storedHash))
        {
            return false;
        }

        // Both sides are 43 ASCII characters; FixedTimeEquals compares them without an early exit.
        var presentedHash = Encoding.ASCII.GetBytes(Hash(presented));
        var expected = Encoding.ASCII.GetBytes(storedHash);
        return CryptographicOperations.FixedTimeEquals(presentedHash, expected);
    }
}
