using System.Net.Sockets;
using MailKit.Net.Smtp;
using MailKit.Security;

namespace Kudos.Silo.Email;

/// <summary>
/// One send worker's SMTP connection: opened (and authenticated) on first use and kept between messages. Between two
/// messages it is parked; a connection idle longer than <see cref="SmtpOptions.IdleTimeout"/> is closed (QUIT) by
/// <see cref="CloseIfIdle"/>, one idle for a few seconds or that saw a refused command is checked with NOOP before it
/// carries the next message, and a broken one is discarded and replaced on demand.
/// </summary>
public sealed partial class SmtpConnection(SmtpOptions options, SmtpConnectionStats stats, TimeProvider time, ILogger logger)
{
    /// <summary>Idle longer than this, a connection is checked with NOOP before it carries a message.</summary>
    private static readonly TimeSpan CheckAfterIdle = TimeSpan.FromSeconds(5);

    private readonly Lock _lock = new();
    private SmtpClient? _parked;
    private long _number;
    private long _lastUsed;
    private bool _suspect;

    /// <summary>
    /// A usable client: the parked one (checked when needed) or a new one. Throws what MailKit throws when connecting or
    /// authenticating fails; the caller classifies it. Give it back with <see cref="Return"/>.
    /// </summary>
    public async Task<SmtpClient> RentAsync(CancellationToken cancellationToken)
    {
        SmtpClient? client;
        lock (_lock)
        {
            client = _parked;
            _parked = null;
            if (client is not null)
            {
                stats.Unparked();
            }
        }

        if (client is not null)
        {
            if (await TryReuseAsync(client, cancellationToken).ConfigureAwait(false))
            {
                stats.Reused();
                return client;
            }
        }

        return await ConnectAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Parks the client again, or disposes it when not <paramref name="reusable"/> (its state is unknown);
    /// <paramref name="suspect"/> makes the next message check it with NOOP first.
    /// </summary>
    public void Return(SmtpClient client, bool reusable, bool suspect = false)
    {
        if (!reusable || !client.IsConnected)
        {
            Discard(client, "broken");
            return;
        }

        lock (_lock)
        {
            _lastUsed = time.GetTimestamp();
            _suspect = suspect;
            _parked = client;
            stats.Parked();
        }
    }

    /// <summary>Closes the parked connection when it has been idle for the idle timeout (or always, on shutdown).</summary>
    public Task CloseIfIdle(bool shutdown = false)
    {
        SmtpClient? client;
        lock (_lock)
        {
            if (_parked is null || (!shutdown && time.GetElapsedTime(_lastUsed) < options.IdleTimeout))
            {
                return Task.CompletedTask;
            }

            client = _parked;
            _parked = null;
            stats.Unparked();
        }

        return CloseAsync(client, shutdown ? "shutdown" : "idle timeout");
    }

    private async Task<bool> TryReuseAsync(SmtpClient client, CancellationToken cancellationToken)
    {
        if (!client.IsConnected)
        {
            Discard(client, "the server closed it");
            return false;
        }

        var idle = time.GetElapsedTime(_lastUsed);
        if (idle >= options.IdleTimeout)
        {
            _ = CloseAsync(client, "idle timeout");
            return false;
        }

        if (!_suspect && idle < CheckAfterIdle)
        {
            return true;
        }

        stats.Checked();
        try
        {
            await client.NoOpAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Discard(client, $"NOOP failed: {ex.Message}");
            return false;
        }
        catch
        {
            // Cancelled mid-check: the connection's state is unknown.
            Discard(client, "cancelled during its check");
            throw;
        }
    }

    private async Task<SmtpClient> ConnectAsync(CancellationToken cancellationToken)
    {
        var client = new SmtpClient { Timeout = (int)Math.Min(int.MaxValue, options.Timeout.TotalMilliseconds) };
        Socket? socket = null;
        try
        {
            socket = await ConnectSocketAsync(cancellationToken).ConfigureAwait(false);
            await client.ConnectAsync(socket, options.Host, options.Port, ToMailKit(options.Security), cancellationToken).ConfigureAwait(false);
            if (!string.IsNullOrEmpty(options.User))
            {
                await client.AuthenticateAsync(options.User, options.Password ?? "", cancellationToken).ConfigureAwait(false);
            }
        }
        catch
        {
            client.Dispose();
            socket?.Dispose();
            throw;
        }

        _number = stats.Opened();
        LogOpened(_number, options.Host, options.Port);
        return client;
    }

    /// <summary>
    /// The TCP connection, with Nagle's algorithm off. MailKit writes a message in several pieces; with Nagle on, the last
    /// piece of a message larger than a segment waits for the server's delayed acknowledgement of the one before: about
    /// 40 ms per message on Linux (measured with MailKit 4.18 and a 4 KB message: 45 ms with, 1.3 ms without), which capped
    /// each connection at about 25 messages a second. Bounded by <see cref="SmtpOptions.Timeout"/> like every SMTP step.
    /// </summary>
    private async Task<Socket> ConnectSocketAsync(CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bound.CancelAfter(options.Timeout);
        try
        {
            await socket.ConnectAsync(options.Host, options.Port, bound.Token).ConfigureAwait(false);
            return socket;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            socket.Dispose();
            throw new SocketException((int)SocketError.TimedOut);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private void Discard(SmtpClient client, string reason)
    {
        stats.Discarded();
        LogDiscarded(_number, reason);
        client.Dispose();
    }

    private async Task CloseAsync(SmtpClient client, string reason)
    {
        stats.Closed();
        LogClosed(_number, reason);
        try
        {
            using var bound = new CancellationTokenSource(options.Timeout);
            await client.DisconnectAsync(quit: true, bound.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or MailKit.ServiceNotConnectedException
                                       or SmtpProtocolException or SmtpCommandException or System.Net.Sockets.SocketException)
        {
            // Closing is best effort: the server may already have gone.
        }
        finally
        {
            client.Dispose();
        }
    }

    private static SecureSocketOptions ToMailKit(SmtpSecurity security) => security switch
    {
        SmtpSecurity.None => SecureSocketOptions.None,
        SmtpSecurity.StartTls => SecureSocketOptions.StartTls,
        SmtpSecurity.SslOnConnect => SecureSocketOptions.SslOnConnect,
        _ => SecureSocketOptions.Auto,
    };

    [LoggerMessage(Level = LogLevel.Debug, Message = "SMTP connection #{Connection} opened to {Host}:{Port}")]
    private partial void LogOpened(long connection, string host, int port);

    [LoggerMessage(Level = LogLevel.Debug, Message = "SMTP connection #{Connection} closed: {Reason}")]
    private partial void LogClosed(long connection, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "SMTP connection #{Connection} discarded: {Reason}")]
    private partial void LogDiscarded(long connection, string reason);
}

/// <summary>What the transport's connections did since start (one counter set for all workers).</summary>
public sealed class SmtpConnectionStats
{
    private long _opened;
    private long _closed;
    private long _discarded;
    private long _reused;
    private long _checks;
    private int _idle;

    /// <summary>Connections opened since start (a connect that failed is not counted).</summary>
    public long ConnectionsOpened => Interlocked.Read(ref _opened);

    /// <summary>Connections discarded as broken (network error, timeout, refused NOOP, 421).</summary>
    public long ConnectionsDiscarded => Interlocked.Read(ref _discarded);

    /// <summary>Connections closed cleanly (idle timeout, shutdown).</summary>
    public long ConnectionsClosed => Interlocked.Read(ref _closed);

    /// <summary>Times a message went out on a connection that had carried one before.</summary>
    public long Reuses => Interlocked.Read(ref _reused);

    /// <summary>NOOP checks made before reusing a connection (after a refusal or a few idle seconds).</summary>
    public long Checks => Interlocked.Read(ref _checks);

    /// <summary>Open connections waiting for a message.</summary>
    public int IdleCount => Volatile.Read(ref _idle);

    internal long Opened() => Interlocked.Increment(ref _opened);

    internal void Closed() => Interlocked.Increment(ref _closed);

    internal void Discarded() => Interlocked.Increment(ref _discarded);

    internal void Reused() => Interlocked.Increment(ref _reused);

    internal void Checked() => Interlocked.Increment(ref _checks);

    internal void Parked() => Interlocked.Increment(ref _idle);

    internal void Unparked() => Interlocked.Decrement(ref _idle);
}
