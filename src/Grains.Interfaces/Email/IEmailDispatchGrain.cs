using Orleans.Concurrency;

namespace Kudos.Grains.Email;

/// <summary>
/// One outgoing email and its lifecycle. Keyed by a deterministic id (e.g. <c>board-delivery/{boardId}</c>) so that
/// enqueueing the same logical message twice sends it once.
/// </summary>
public interface IEmailDispatchGrain : IGrainWithStringKey
{
    /// <summary>Stores the message and schedules its sending; a second enqueue of the same id changes nothing.</summary>
    Task<DispatchView> EnqueueAsync(EmailMessage message);

    /// <summary>The current state. Interleaves so that any grain may read it while this one is sending.</summary>
    [AlwaysInterleave]
    Task<DispatchView> GetAsync();

    /// <summary>The message's envelope and the history of attempts, for operators.</summary>
    [AlwaysInterleave]
    Task<DispatchDetails> GetDetailsAsync();

    /// <summary>Cancels a dispatch that has not started sending (Pending or Held); a Conflict otherwise.</summary>
    Task<DispatchView> CancelAsync();

    /// <summary>
    /// Applies a provider event once (deduplicated on its webhook id): recorded in the history; <c>delivered</c>,
    /// <c>bounced</c> and <c>complained</c> move the status forward only, never back; opens and clicks are counted.
    /// </summary>
    Task ApplyProviderEventAsync(ProviderEvent providerEvent);

    /// <summary>Sends a Held dispatch now, bypassing the allowed-recipients list (an operator's decision).</summary>
    Task<DispatchView> ReleaseAsync();
}
