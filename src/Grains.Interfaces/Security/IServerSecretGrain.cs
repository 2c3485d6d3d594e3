namespace Kudos.Grains.Security;

/// <summary>
/// A random 256-bit secret shared by every API instance, made once on first use and kept in grain storage. Keyed by
/// purpose (e.g. <c>idempotency</c>); operators may configure their own instead.
/// </summary>
public interface IServerSecretGrain : IGrainWithStringKey
{
    /// <summary>The secret's bytes (created on the first call).</summary>
    Task<byte[]> GetAsync();
}
