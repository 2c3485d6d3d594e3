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
}
