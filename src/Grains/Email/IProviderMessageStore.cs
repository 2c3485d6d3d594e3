namespace Kudos.Grains.Email;

/// <summary>
/// Maps a provider's message id (the id the SMTP server or provider gave an accepted message) to the dispatch that sent
/// it, so that webhook events about that message find their dispatch. Written once per sent email.
/// </summary>
public interface IProviderMessageStore
{
    /// <summary>Records (or replaces) the dispatch of <paramref name="providerMessageId"/>.</summary>
    Task SetAsync(string providerMessageId, string dispatchId);

    /// <summary>The dispatch that sent <paramref name="providerMessageId"/>, or null when none is known.</summary>
    Task<string?> GetAsync(string providerMessageId);
}
