namespace Kudos.Silo.Email;

public sealed partial class SmtpConnectionPool
{
    [LoggerMessage(Level = LogLevel.Debug, Message = "SMTP connection #{Connection} opened to {Host}:{Port}")]
    private partial void LogOpened(long connection, string host, int port);

    [LoggerMessage(Level = LogLevel.Debug, Message = "SMTP connection #{Connection} closed: {Reason}")]
    private partial void LogClosed(long connection, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "SMTP connection #{Connection} discarded: {Reason}")]
    private partial void LogDiscarded(long connection, string reason);
}
