namespace Kudos.Silo.Email;

public sealed partial class SmtpEmailTransport
{
    [LoggerMessage(Level = LogLevel.Information,
        Message = "SMTP transport to {Host}:{Port}: up to {MaxConnections} connections, {MaxConcurrency} sends at once, {MaxPerSecond} messages/s (0 = unlimited), DKIM {Dkim}")]
    private partial void LogStarted(string host, int port, int maxConnections, int maxConcurrency, double maxPerSecond, string dkim);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dispatch {DispatchId}: the SMTP server refused the message: {Reply}")]
    private partial void LogRefused(string dispatchId, string reply);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dispatch {DispatchId}: {What}: {Error}")]
    private partial void LogFailed(string dispatchId, string what, string error);
}
