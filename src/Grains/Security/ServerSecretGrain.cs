using System.Security.Cryptography;

namespace Kudos.Grains.Security;

/// <summary>Makes its secret on the first call and keeps it (storage state name <c>server-secret</c>).</summary>
public sealed class ServerSecretGrain(
    [PersistentState("server-secret", StorageNames.Kudos)] IPersistentState<ServerSecretState> secret) : Grain, IServerSecretGrain
{
    public async Task<byte[]> GetAsync()
    {
        if (secret.State.Value is not { Length: 32 })
        {
            secret.State.Value = RandomNumberGenerator.GetBytes(32);
            await secret.WriteStateAsync();
        }

        return secret.State.Value;
    }
}

/// <summary>The stored secret. Property names are the stored JSON: keep them.</summary>
public sealed class ServerSecretState
{
    public byte[]? Value { get; set; }
}
