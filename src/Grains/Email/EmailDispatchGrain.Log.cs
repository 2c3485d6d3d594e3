using Microsoft.Extensions.Logging;

namespace Kudos.Grains.Email;

public sealed partial class EmailDispatchGrain
{
    // Debug while the message is on its way (its "sent" line says the same at Information), Information when it ends at once.
    [LoggerMessage(Message = "Dispatch {DispatchId} enqueued ({EmailType}, priority {Priority}, correlation {CorrelationId}): {Status}")]
    private partial void LogEnqueued(LogLevel level, string dispatchId, string emailType, int priority, string? correlationId, DispatchStatus status);

    [LoggerMessage(Level = LogLevel.Information, Message = "Dispatch {DispatchId} ({EmailType}, correlation {CorrelationId}) sent on attempt {Attempt}, {Elapsed} after enqueue: {ServerReply}")]
    private partial void LogSent(string dispatchId, string emailType, string? correlationId, int attempt, TimeSpan elapsed, string? serverReply);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dispatch {DispatchId} attempt {Attempt}/{MaxAttempts} failed, retrying at {RetryAt:O}: {Error}")]
    private partial void LogRetrying(string dispatchId, int attempt, int maxAttempts, DateTimeOffset retryAt, string? error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Dispatch {DispatchId} failed for good after {Attempts} attempt(s): {Error}")]
    private partial void LogFailed(string dispatchId, int attempts, string? error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dispatch {DispatchId} held: {Reason}")]
    private partial void LogHeld(string dispatchId, string? reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dispatch {DispatchId} not sent, {Status}: {Reason}")]
    private partial void LogBlocked(string dispatchId, DispatchStatus status, string? reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Dispatch {DispatchId} applied provider event {Type}: now {Status}")]
    private partial void LogProviderEvent(string dispatchId, string type, DispatchStatus status);

    [LoggerMessage(Level = LogLevel.Information, Message = "Dispatch {DispatchId} cancelled")]
    private partial void LogCancelled(string dispatchId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Dispatch {DispatchId} released by an operator")]
    private partial void LogReleased(string dispatchId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dispatch {DispatchId} found mid-send after a restart (attempt {Attempt}); outcome unknown, retrying")]
    private partial void LogOutcomeUnknown(string dispatchId, int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dispatch {DispatchId} attempt could not run; the next reminder tick retries it from the stored state")]
    private partial void LogAttemptFailed(Exception exception, string dispatchId);

    private void LogRecorded(SendResult result)
    {
        var state = dispatch.State;
        switch (state.Status)
        {
            case DispatchStatus.Sent:
                LogSent(Id, state.Message!.EmailType, state.Message.CorrelationId, state.Attempts, state.SentAt!.Value - state.EnqueuedAt!.Value, result.ServerReply);
                break;
            case DispatchStatus.Pending:
                LogRetrying(Id, state.Attempts, state.Message!.MaxAttempts ?? emailOptions.Value.Retry.MaxAttempts, state.NextAttemptAt!.Value, result.Error);
                break;
            case DispatchStatus.Held:
                LogHeld(Id, state.LastError);
                break;
            default:
                LogFailed(Id, state.Attempts, state.LastError);
                break;
        }
    }
}
