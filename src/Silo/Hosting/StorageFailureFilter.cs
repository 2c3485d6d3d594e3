using System.Data.Common;
using Kudos.Grains;

namespace Kudos.Silo.Hosting;

/// <summary>
/// Database failures inside a grain call reach the caller as a <see cref="KudosException"/> of kind
/// <see cref="KudosErrorKind.Unavailable"/>: the driver's own exception types cannot be serialized back to the API, which
/// would otherwise see an unrelated codec error and answer 500. The grain is also deactivated: a failed write leaves its
/// memory ahead of storage, and the next call must start from what was actually stored.
/// </summary>
public sealed partial class StorageFailureFilter(ILogger<StorageFailureFilter> logger) : IIncomingGrainCallFilter
{
    public async Task Invoke(IIncomingGrainCallContext context)
    {
        try
        {
            await context.Invoke();
        }
        catch (Exception ex) when (FindDbException(ex) is { } db)
        {
            LogStorageFailure(ex, context.InterfaceMethod?.Name ?? "?", context.TargetId.ToString());
            context.TargetContext.Deactivate(new DeactivationReason(DeactivationReasonCode.ApplicationError, "A storage operation failed; state reloads on the next activation."), CancellationToken.None);
            throw new KudosException(
                KudosErrorKind.Unavailable,
                "storage_unavailable",
                $"The database could not be reached ({db.GetType().Name}); the request may not have been saved. Try again shortly.");
        }
    }

    private static DbException? FindDbException(Exception? ex)
    {
        for (var current = ex; current is not null; current = current.InnerException)
        {
            if (current is DbException db)
            {
                return db;
            }

            if (current is AggregateException aggregate && aggregate.InnerExceptions.Select(FindDbException).FirstOrDefault(e => e is not null) is { } inner)
            {
                return inner;
            }
        }

        return null;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Storage failure in {Method} of {Grain}")]
    private partial void LogStorageFailure(Exception exception, string method, string grain);
}
