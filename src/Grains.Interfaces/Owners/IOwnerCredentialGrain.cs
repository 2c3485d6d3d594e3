namespace Kudos.Grains.Owners;

/// <summary>
/// An owner credential (the key is the credential's hash): which address it stands for, until revoked. A credential is
/// looked up by its hash, so the secret itself is never stored.
/// </summary>
public interface IOwnerCredentialGrain : IGrainWithStringKey
{
    Task IssueAsync(string ownerAddress);

    /// <summary>The normalized owner address, or null when the credential is unknown or revoked.</summary>
    [Orleans.Concurrency.ReadOnly]
    Task<string?> GetOwnerAsync();

    Task RevokeAsync();
}
