using Microsoft.Extensions.Logging;

namespace Kudos.Grains.Email;

public sealed partial class EmailDispatchGrain
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Dispatch {DispatchId} enqueued ({EmailType}, correlation {CorrelationId})")]
    private partial void LogEnqueued(string dispatchId, string emailType, string? correlationId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Dispatch {DispatchId} sent on attempt {Attempt}, {Elapsed} after enqueue: {ServerReply}")]
    private partial void LogSent(string dispatchId, int attempt, TimeSpan elapsed, string? serverReply);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dispatch {DispatchId} attempt {Attempt}/{MaxAttempts} failed, retrying at {RetryAt:O}: {Error}")]
    private partial void LogRetrying(string dispatchId, int attempt, int maxAttempts, DateTimeOffset retryAt, string? error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Dispatch {DispatchId} failed for good after {Attempts} attempt(s): {Error}")]
    private partial void LogFailed(string dispatchId, int attempts, string? error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dispatch {DispatchId} found mid-send after a restart (attempt {Attempt}); outcome unknown, retrying")]
    private partial void LogOutcomeUnknown(string dispatchId, int attempt);
}
