using System.Security.Cryptography;
using System.Text;
using Kudos.Grains.Email;

namespace Kudos.Grains.Boards;

/// <summary>What the board's per-address dispatch ids share: the address as a hash, so addresses never appear in ids.</summary>
internal static class DispatchIds
{
    /// <summary>The first <paramref name="bytes"/> bytes of SHA-256 of the normalized address, in lower-case hex.</summary>
    public static string AddressHash(string email, int bytes) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Addresses.Normalize(email))).AsSpan(0, bytes));
}
