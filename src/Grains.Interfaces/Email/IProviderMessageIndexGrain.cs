using Orleans.Concurrency;

namespace Kudos.Grains.Email;

/// <summary>Maps a provider's message id to the dispatch that sent it; keyed <c>pm/{provider id}</c>, written at send time.</summary>
public interface IProviderMessageIndexGrain : IGrainWithStringKey
{
    Task SetAsync(string dispatchId);

    [ReadOnly]
    Task<string?> GetAsync();
}

/// <summary>Keys of the grains that index provider ids and webhook events.</summary>
public static class ProviderIndex
{
    public static string Key(string providerMessageId) => $"pm/{providerMessageId}";

    public static string EventKey(string webhookId) => $"wh/{webhookId}";
}
