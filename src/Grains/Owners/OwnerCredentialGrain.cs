namespace Kudos.Grains.Owners;

/// <summary>An owner credential, keyed by its hash: the address it stands for until revoked.</summary>
public sealed class OwnerCredentialGrain(
    [PersistentState("credential", StorageNames.Kudos)] IPersistentState<OwnerCredentialState> credential,
    TimeProvider time) : Grain, IOwnerCredentialGrain
{
    public async Task IssueAsync(string ownerAddress)
    {
        credential.State.Owner = ownerAddress;
        credential.State.IssuedAt = time.GetUtcNow();
        await credential.WriteStateAsync();
    }

    public Task<string?> GetOwnerAsync() =>
        Task.FromResult(credential.State is { Owner: { Length: > 0 } address, RevokedAt: null } ? address : null);

    public async Task RevokeAsync()
    {
        if (credential.State.Owner.Length > 0 && credential.State.RevokedAt is null)
        {
            credential.State.RevokedAt = time.GetUtcNow();
            await credential.WriteStateAsync();
        }
    }
}

/// <summary>The persisted state of an owner credential (storage state name <c>credential</c>).</summary>
public sealed class OwnerCredentialState
{
    public string Owner { get; set; } = "";

    public DateTimeOffset IssuedAt { get; set; }

    public DateTimeOffset? RevokedAt { get; set; }
}
