using System.Data.Common;
using Npgsql;

namespace Kudos.Silo.Storage;

/// <summary>
/// The silo's one pool of PostgreSQL connections, shared by Orleans' ADO.NET providers (clustering, grain storage,
/// reminders) and the project's own tables (<see cref="PostgresCardStore"/>).
/// </summary>
public static class KudosDataSource
{
    /// <summary>
    /// Builds the data source from <c>ConnectionStrings:Kudos</c>. Unless the connection string says otherwise, a pooled
    /// connection is not reset when it is returned (<c>No Reset On Close</c>: no <c>DISCARD ALL</c> before each use; nothing
    /// here changes session state) and the statements used most are prepared once per connection (<c>Max Auto Prepare</c>):
    /// the providers and the card store run a small fixed set of statements.
    /// </summary>
    public static NpgsqlDataSource Create(string connectionString)
    {
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        var settings = builder.ConnectionStringBuilder;
        // Npgsql's own builder answers ContainsKey for every keyword it knows; the generic one only for those given.
        var given = new DbConnectionStringBuilder { ConnectionString = connectionString }.Keys.Cast<string>()
            .Select(k => k.Replace(" ", "", StringComparison.Ordinal))
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
        if (!given.Contains("NoResetOnClose"))
        {
            settings.NoResetOnClose = true;
        }

        if (!given.Contains("MaxAutoPrepare"))
        {
            settings.MaxAutoPrepare = MaxAutoPrepare;
        }

        return builder.Build();
    }

    /// <summary>Statements prepared per connection by default: more than the providers and card store use together.</summary>
    public const int MaxAutoPrepare = 64;
}
