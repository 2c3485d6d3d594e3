using MailKit.Net.Smtp;
using MailKit.Security;

namespace Kudos.Silo.Email;

/// <summary>
/// Connected (and authenticated) MailKit clients, reused between messages. At most <see cref="SmtpOptions.MaxConnections"/>
/// exist at once. A rented connection comes back either reusable (pushed on a LIFO stack, so the busiest stay warm and
/// the rest age out) or broken (disposed). A connection idle longer than <see cref="SmtpOptions.IdleTimeout"/> is closed
/// by a timer; one idle for a few seconds, or returned after a refused command, is checked with NOOP before reuse.
/// </summary>
public sealed partial class SmtpConnectionPool : IAsyncDisposable
{
    /// <summary>Idle longer than this, a connection is checked with NOOP before it carries a message.</summary>
    private static readonly TimeSpan CheckAfterIdle = TimeSpan.FromSeconds(5);

    private readonly SmtpOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _capacity;
    private readonly Stack<SmtpConnection> _idle = new();
    private readonly Lock _lock = new();
    private readonly ITimer _reaper;
    private long _opened;
    private long _closed;
    private long _discarded;
    private long _reused;
    private long _checks;
    private bool _disposed;

    public SmtpConnectionPool(SmtpOptions options, TimeProvider time, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _time = time;
        _logger = logger;
        _capacity = new SemaphoreSlim(options.MaxConnections, options.MaxConnections);
        var period = TimeSpan.FromTicks(Math.Clamp(options.IdleTimeout.Ticks / 2, TimeSpan.TicksPerSecond, 30 * TimeSpan.TicksPerSecond));
        _reaper = time.CreateTimer(_ => CloseIdleConnections(), null, period, period);
    }

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

    /// <summary>Connections waiting in the pool.</summary>
    public int IdleCount
    {
        get
        {
            lock (_lock)
            {
                return _idle.Count;
            }
        }
    }

    /// <summary>
    /// A usable connection: an idle one (checked when needed) or a new one. Throws what MailKit throws when connecting
    /// or authenticating fails; the caller classifies it.
    /// </summary>
    public async Task<SmtpConnection> RentAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        await _capacity.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            while (TryTakeIdle(out var connection))
            {
                if (await TryReuseAsync(connection, cancellationToken).ConfigureAwait(false))
                {
                    Interlocked.Increment(ref _reused);
                    return connection;
                }
            }

            return await ConnectAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            _capacity.Release();
            throw;
        }
    }

    /// <summary>
    /// Gives a rented connection back. <paramref name="reusable"/> false disposes it (its state is unknown);
    /// <paramref name="suspect"/> makes the next renter check it with NOOP first.
    /// </summary>
    public void Return(SmtpConnection connection, bool reusable, bool suspect = false)
    {
        ArgumentNullException.ThrowIfNull(connection);
        try
        {
            if (!reusable || !connection.Client.IsConnected)
            {
                Discard(connection, "broken");
                return;
            }

            connection.LastUsed = _time.GetTimestamp();
            connection.Suspect = suspect;
            lock (_lock)
            {
                if (!_disposed)
                {
                    _idle.Push(connection);
                    return;
                }
            }

            _ = CloseAsync(connection, "the pool is closing");
        }
        finally
        {
            _capacity.Release();
        }
    }

    /// <summary>Closes every idle connection (QUIT). Connections still rented are disposed when they come back.</summary>
    public async ValueTask DisposeAsync()
    {
        List<SmtpConnection> idle;
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            idle = [.. _idle];
            _idle.Clear();
        }

        await _reaper.DisposeAsync().ConfigureAwait(false);
        await Task.WhenAll(idle.Select(connection => CloseAsync(connection, "the pool is closing"))).ConfigureAwait(false);
    }

    private bool TryTakeIdle(out SmtpConnection connection)
    {
        lock (_lock)
        {
            return _idle.TryPop(out connection!);
        }
    }

    /// <summary>True when <paramref name="connection"/> can carry a message; otherwise it is closed or discarded.</summary>
    private async Task<bool> TryReuseAsync(SmtpConnection connection, CancellationToken cancellationToken)
    {
        if (!connection.Client.IsConnected)
        {
            Discard(connection, "the server closed it");
            return false;
        }

        var idle = _time.GetElapsedTime(connection.LastUsed);
        if (idle >= _options.IdleTimeout)
        {
            _ = CloseAsync(connection, "idle timeout");
            return false;
        }

        if (!connection.Suspect && idle < CheckAfterIdle)
        {
            return true;
        }

        Interlocked.Increment(ref _checks);
        try
        {
            await connection.Client.NoOpAsync(cancellationToken).ConfigureAwait(false);
            connection.Suspect = false;
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Discard(connection, $"NOOP failed: {ex.Message}");
            return false;
        }
        catch
        {
            // Cancelled mid-check: the connection's state is unknown.
            Discard(connection, "cancelled during its check");
            throw;
        }
    }

    private async Task<SmtpConnection> ConnectAsync(CancellationToken cancellationToken)
    {
        var client = new SmtpClient { Timeout = (int)Math.Min(int.MaxValue, _options.Timeout.TotalMilliseconds) };
        try
        {
            await client.ConnectAsync(_options.Host, _options.Port, ToMailKit(_options.Security), cancellationToken).ConfigureAwait(false);
            if (!string.IsNullOrEmpty(_options.User))
            {
                await client.AuthenticateAsync(_options.User, _options.Password ?? "", cancellationToken).ConfigureAwait(false);
            }
        }
        catch
        {
            client.Dispose();
            throw;
        }

        var number = Interlocked.Increment(ref _opened);
        LogOpened(number, _options.Host, _options.Port);
        return new SmtpConnection(client, number) { LastUsed = _time.GetTimestamp() };
    }

    private void CloseIdleConnections()
    {
        List<SmtpConnection> expired;
        lock (_lock)
        {
            if (_disposed || _idle.Count == 0)
            {
                return;
            }

            var all = _idle.ToArray(); // top (most recently used) first
            expired = [.. all.Where(c => _time.GetElapsedTime(c.LastUsed) >= _options.IdleTimeout)];
            if (expired.Count == 0)
            {
                return;
            }

            _idle.Clear();
            foreach (var connection in all.Reverse().Except(expired))
            {
                _idle.Push(connection);
            }
        }

        foreach (var connection in expired)
        {
            _ = CloseAsync(connection, "idle timeout");
        }
    }

    private void Discard(SmtpConnection connection, string reason)
    {
        Interlocked.Increment(ref _discarded);
        LogDiscarded(connection.Number, reason);
        connection.Client.Dispose();
    }

    private async Task CloseAsync(SmtpConnection connection, string reason)
    {
        Interlocked.Increment(ref _closed);
        LogClosed(connection.Number, reason);
        try
        {
            using var bound = new CancellationTokenSource(_options.Timeout);
            await connection.Client.DisconnectAsync(quit: true, bound.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or MailKit.ServiceNotConnectedException
                                       or SmtpProtocolException or SmtpCommandException or System.Net.Sockets.SocketException)
        {
            // Closing is best effort: the server may already have gone.
        }
        finally
        {
            connection.Client.Dispose();
        }
    }

    private static SecureSocketOptions ToMailKit(SmtpSecurity security) => security switch
    {
        SmtpSecurity.None => SecureSocketOptions.None,
        SmtpSecurity.StartTls => SecureSocketOptions.StartTls,
        SmtpSecurity.SslOnConnect => SecureSocketOptions.SslOnConnect,
        _ => SecureSocketOptions.Auto,
    };
}

/// <summary>One pooled SMTP connection.</summary>
/// <param name="client">The connected (and authenticated) client.</param>
/// <param name="number">Sequence number in the pool, for logs.</param>
public sealed class SmtpConnection(SmtpClient client, long number)
{
    /// <summary>The connected (and authenticated) client.</summary>
    public SmtpClient Client { get; } = client;

    /// <summary>Sequence number in the pool, for logs.</summary>
    public long Number { get; } = number;

    /// <summary>Timestamp (<see cref="TimeProvider.GetTimestamp"/>) of its last use.</summary>
    internal long LastUsed { get; set; }

    /// <summary>A command was refused on it: check it with NOOP before the next message.</summary>
    internal bool Suspect { get; set; }
}
