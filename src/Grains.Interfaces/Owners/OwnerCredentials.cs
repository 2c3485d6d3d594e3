using Kudos.Grains.Security;

namespace Kudos.Grains.Owners;

/// <summary>
/// Owner credentials: <see cref="OwnerLimits.CredentialPrefix"/> and a 256-bit random key. Only the SHA-256 hash is kept,
/// as the key of the credential's grain, so a presented credential is found by hashing it — the secret is never stored
/// or compared — and the prefix keeps board keys from costing a lookup.
/// </summary>
public static class OwnerCredentials
{
    /// <summary>A new credential, in clear.</summary>
    public static string New() => OwnerLimits.CredentialPrefix + CapabilityKeys.New();

    /// <summary>The normalized owner address <paramref name="presented"/> stands for, or null (not a credential, unknown or revoked).</summary>
    public static async Task<string?> OwnerOfAsync(IGrainFactory grains, string? presented) =>
        presented is { Length: <= CapabilityKeys.MaxKeyLength } && presented.StartsWith(OwnerLimits.CredentialPrefix, StringComparison.Ordinal)
            ? await grains.GetGrain<IOwnerCredentialGrain>(CapabilityKeys.Hash(presented)).GetOwnerAsync()
            : null;
}
