namespace Kudos.Testing;

/// <summary>
/// The one place where a test reads the same thing again and again instead of awaiting a signal. Everywhere else tests
/// wait for what a process announces (a log line, a mail on the SMTP server's long-poll, a PostgreSQL notification) or
/// drive a fake clock. This is for the conditions nothing announces, and only those:
/// <list type="bullet">
/// <item>After a database outage, the product's connection pools still hold connections the server closed while they
/// were idle. Npgsql finds out only when it uses one, so each fails one request; nothing outside the process says when
/// the last stale one is gone.</item>
/// <item>Container healthchecks do not run by themselves under this machine's podman, and a container's readiness (or the
/// Orleans client's routing away from a killed silo's gateway) changes inside processes the test cannot read the output
/// of as lines.</item>
/// </list>
/// A caller names its case in a comment. The reads are spaced by a <see cref="PeriodicTimer"/>, bounded by
/// <c>timeout</c>, and the last value is returned either way so the caller asserts on it.
/// </summary>
public static class Unsignalled
{
    /// <summary>Reads until <paramref name="done"/> holds or <paramref name="timeout"/> passes; returns the last value read.</summary>
    public static async Task<T> RepeatUntilAsync<T>(Func<Task<T>> read, Func<T, bool> done, TimeSpan interval, TimeSpan timeout, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(read);
        ArgumentNullException.ThrowIfNull(done);
        using var timer = new PeriodicTimer(interval);
        var elapsed = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var value = await read();
            if (done(value) || elapsed.Elapsed > timeout)
            {
                return value;
            }

            await timer.WaitForNextTickAsync(ct);
        }
    }
}
