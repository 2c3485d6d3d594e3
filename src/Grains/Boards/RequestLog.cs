using System.Security.Cryptography;
using System.Text;

namespace Kudos.Grains.Boards;

/// <summary>
/// <c>Idempotency-Key</c> rules for one board (IETF httpapi idempotency-key draft): a request seen within
/// <see cref="Retention"/> with the same content is a replay, answered as the first time without doing anything again;
/// the same key with other content is refused (422). Records older than <see cref="Retention"/> are dropped.
/// </summary>
public static class RequestLog
{
    /// <summary>How long a request's key is remembered.</summary>
    public static readonly TimeSpan Retention = TimeSpan.FromHours(24);

    /// <summary>The most records a board keeps; the oldest go first (a client retries within minutes, not days).</summary>
    public const int MaxRecords = 2000;

    /// <summary>True when <paramref name="request"/> was applied before; throws when its key came with other content.</summary>
    public static bool IsReplay(BoardState state, IdempotentRequest? request, DateTimeOffset now)
    {
        if (request is null)
        {
            return false;
        }

        state.Requests.RemoveAll(r => now - r.At > Retention);
        var seen = state.Requests.Find(r => r.Id == request.RequestId);
        return seen is not null && (SameContent(seen.Fingerprint, request.Fingerprint) ? true : throw KudosException.IdempotencyKeyReused());
    }

    /// <summary>
    /// True when <paramref name="request"/> is the one that stored something with <paramref name="storedFingerprint"/> (found
    /// by the id derived from it, e.g. a card); throws when its key came with other content.
    /// </summary>
    public static bool IsReplay(string? storedFingerprint, IdempotentRequest request) =>
        storedFingerprint is not null && (SameContent(storedFingerprint, request.Fingerprint) ? true : throw KudosException.IdempotencyKeyReused());

    /// <summary>
    /// Before a card posted with an <c>Idempotency-Key</c> goes: remembers that request in the board's log while it is
    /// within <see cref="Retention"/>; true when <paramref name="state"/> changed.
    /// </summary>
    public static bool Remember(BoardState state, CardState card, DateTimeOffset now)
    {
        if (card is not { RequestId: { } id, RequestFingerprint: { } fingerprint } || now - card.CreatedAt > Retention)
        {
            return false;
        }

        Record(state, new IdempotentRequest(id, fingerprint, []), card.CreatedAt);
        return true;
    }

    /// <summary>Remembers <paramref name="request"/> (in the same state write as what it did).</summary>
    public static void Record(BoardState state, IdempotentRequest? request, DateTimeOffset now)
    {
        if (request is null)
        {
            return;
        }

        if (state.Requests.Count >= MaxRecords)
        {
            state.Requests.RemoveRange(0, state.Requests.Count - MaxRecords + 1);
        }

        state.Requests.Add(new RequestRecord { Id = request.RequestId, Fingerprint = request.Fingerprint, At = now });
    }

    /// <summary>
    /// For a create on a board that exists: the first response again when <paramref name="request"/> is the request that
    /// created it, otherwise null (a plain conflict) or a 422 when it is that key with other content.
    /// </summary>
    public static BoardCreated? ReplayCreation(Guid id, BoardState state, CreateBoard command, IdempotentRequest? request)
    {
        if (request is not { Keys.Count: 2 } || state.CreationFingerprint is null)
        {
            return null;
        }

        if (!SameContent(state.CreationFingerprint, request.Fingerprint))
        {
            throw KudosException.IdempotencyKeyReused();
        }

        // The first response's status and instant follow from the (identical) command.
        var deliverAt = command.DeliverAt?.ToUniversalTime();
        return new BoardCreated(id, request.Keys[0], request.Keys[1], deliverAt is null ? BoardStatus.Draft : BoardStatus.Scheduled, deliverAt);
    }

    private static bool SameContent(string stored, string presented) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(stored), Encoding.ASCII.GetBytes(presented));
}
