using System.Globalization;
using Npgsql;

namespace Kudos.Database;

/// <summary>
/// How far ahead the reminder range reads look (<c>deploy/sql/008_reminder_window.sql</c>): the silo announces the window
/// in the session setting <see cref="Setting"/> of the reminder provider's connections, so the reads follow the silo's
/// <c>ReminderOptions</c> instead of an interval written into the SQL.
/// </summary>
/// <remarks>
/// Orleans keeps in memory only the reminders whose next tick falls within its loading window and re-reads the table
/// every refresh period; a reminder is loaded by the first read after it enters the loading window. The range reads
/// must therefore return at least every row Orleans would load, or a running reminder the read leaves out is stopped as
/// "removed from the table". The window is the loading window plus two refresh periods: one so the read is a superset of
/// what the loading window needs, one more as the allowance for the clocks of the silo and the database server, which
/// may differ (the SQL compares with the database's <c>now()</c>).
/// </remarks>
public static class ReminderWindow
{
    /// <summary>The PostgreSQL session setting the range reads compare against (milliseconds as an interval).</summary>
    public const string Setting = "kudos.reminder_window";

    /// <summary>The window the range reads use for these reminder options.</summary>
    public static TimeSpan For(TimeSpan loadingWindow, TimeSpan refreshPeriod) => loadingWindow + refreshPeriod + refreshPeriod;

    /// <summary>
    /// The connection string with <see cref="Setting"/> set on every session (PostgreSQL's startup options, which survive
    /// the pool's reset of a returned connection).
    /// </summary>
    public static string Apply(string connectionString, TimeSpan window)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(window, TimeSpan.Zero);
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        var option = string.Create(CultureInfo.InvariantCulture, $"-c {Setting}={(long)Math.Ceiling(window.TotalMilliseconds)}ms");
        builder.Options = string.IsNullOrWhiteSpace(builder.Options) ? option : $"{builder.Options} {option}";
        return builder.ConnectionString;
    }
}
