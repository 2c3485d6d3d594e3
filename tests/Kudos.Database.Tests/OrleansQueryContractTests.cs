using System.Globalization;
using Kudos.Testing;
using Npgsql;
using NpgsqlTypes;
using Xunit;

namespace Kudos.Database.Tests;

/// <summary>
/// The stored Orleans queries run directly, with parameters typed as the providers bind them, to pin the
/// parts of the contract a single-silo run does not reach (version conflicts, wrapped hash ranges).
/// </summary>
public sealed class OrleansQueryContractTests
{
    public static TheoryData<string> RequiredQueryKeys =>
    [
        // Clustering (all nine are checked by the 10.x provider at start-up).
        "InsertMembershipVersionKey", "MembershipReadRowKey", "MembershipReadAllKey", "InsertMembershipKey",
        "UpdateMembershipKey", "UpdateIAmAlivetimeKey", "GatewaysQueryKey", "DeleteMembershipTableEntriesKey",
        "CleanupDefunctSiloEntriesKey",
        // Grain persistence.
        "WriteToStorageKey", "ReadFromStorageKey", "ClearStorageKey", "DeleteStorageKey",
        // Reminders.
        "ReadReminderRowsKey", "ReadReminderRowKey", "ReadRangeRows1Key", "ReadRangeRows2Key",
        "UpsertReminderRowKey", "DeleteReminderRowKey", "DeleteReminderRowsKey",
    ];

    [Theory(Timeout = 60_000)]
    [MemberData(nameof(RequiredQueryKeys))]
    public async Task The_catalogue_holds_every_query_the_providers_require(string queryKey)
    {
        var ct = TestContext.Current.CancellationToken;
        var connectionString = await SharedDatabase.GetAsync(ct);

        Assert.False(string.IsNullOrWhiteSpace(await Db.QueryTextAsync(connectionString, queryKey, ct)), $"query {queryKey} is missing");
    }

    [Fact(Timeout = 60_000)]
    public async Task Reminder_range_reads_return_exactly_the_half_open_range_including_a_wrapped_one()
    {
        var ct = TestContext.Current.CancellationToken;
        var connectionString = await TestPostgres.CreateMigratedDatabaseAsync("reminder_ranges", ct);
        int[] hashes = [int.MinValue, -1000, -1, 0, 1, 1000, int.MaxValue];
        foreach (var hash in hashes)
        {
            await Db.ExecuteAsync(
                connectionString,
                await Db.QueryTextAsync(connectionString, "UpsertReminderRowKey", ct),
                ct,
                new NpgsqlParameter("ServiceId", "svc"),
                new NpgsqlParameter("GrainId", $"grain/{hash}"),
                new NpgsqlParameter("ReminderName", "r"),
                new NpgsqlParameter("StartTime", DateTime.UtcNow),
                new NpgsqlParameter("Period", 60_000),
                new NpgsqlParameter("GrainHash", hash));
        }

        // (-1000, 1000]: no wrap.
        var inner = await ReadRangeAsync("ReadRangeRows1Key", -1000, 1000);
        // (1000, -1000] wraps: (1000, max] and [min, -1000].
        var wrapped = await ReadRangeAsync("ReadRangeRows2Key", 1000, -1000);
        // Begin == end is the whole ring (a single silo owns everything).
        var ring = await ReadRangeAsync("ReadRangeRows2Key", 0, 0);

        Assert.Equal([-1, 0, 1, 1000], inner);
        Assert.Equal([int.MinValue, -1000, int.MaxValue], wrapped);
        Assert.Equal(hashes, ring);

        async Task<int[]> ReadRangeAsync(string queryKey, int beginHash, int endHash)
        {
            var rows = await Db.ReadReminderRangeAsync(connectionString, connectionString, queryKey, "svc", beginHash, endHash, ct);
            return [.. rows.Select(r => int.Parse(r.GrainId["grain/".Length..], CultureInfo.InvariantCulture)).Order()];
        }
    }

    [Fact(Timeout = 60_000)]
    public async Task Reminder_range_reads_are_served_by_the_service_start_index()
    {
        var ct = TestContext.Current.CancellationToken;
        var connectionString = await SharedDatabase.GetAsync(ct);
        var text = await Db.QueryTextAsync(connectionString, "ReadRangeRows1Key", ct);

        // The table is empty: take sequential scans away to see which index the planner can use.
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        await using (var off = new NpgsqlCommand("SET enable_seqscan = off", connection))
        {
            await off.ExecuteNonQueryAsync(ct);
        }

        await using var explain = new NpgsqlCommand("EXPLAIN " + text.Trim().TrimEnd(';'), connection);
        explain.Parameters.Add(new NpgsqlParameter("ServiceId", "svc"));
        explain.Parameters.Add(new NpgsqlParameter("BeginHash", -10));
        explain.Parameters.Add(new NpgsqlParameter("EndHash", 10));
        var lines = new List<string>();
        await using (var reader = await explain.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                lines.Add(reader.GetString(0));
            }
        }

        Assert.Contains(lines, l => l.Contains("ix_orleansreminderstable_servicestart", StringComparison.Ordinal));
    }

    [Fact(Timeout = 60_000)]
    public async Task Reminder_range_reads_with_a_window_return_the_reminders_due_within_it_and_not_the_far_ones()
    {
        var ct = TestContext.Current.CancellationToken;
        var connectionString = await TestPostgres.CreateMigratedDatabaseAsync("reminder_window", ct);
        var now = DateTime.UtcNow;
        // One reminder per hash on each side of the ring: long past (ticking every period), just due, within the
        // window, beyond it.
        (string Name, TimeSpan Start)[] starts =
        [
            ("past", -TimeSpan.FromDays(3)),
            ("due", TimeSpan.Zero),
            ("near", TimeSpan.FromMinutes(15)),
            ("far", TimeSpan.FromMinutes(30)),
            ("distant", TimeSpan.FromDays(30)),
        ];
        int[] hashes = [-1000, 1000];
        var upsert = await Db.QueryTextAsync(connectionString, "UpsertReminderRowKey", ct);
        foreach (var hash in hashes)
        {
            foreach (var (name, start) in starts)
            {
                await Db.ExecuteAsync(
                    connectionString,
                    upsert,
                    ct,
                    new NpgsqlParameter("ServiceId", "svc"),
                    new NpgsqlParameter("GrainId", $"grain/{hash}"),
                    new NpgsqlParameter("ReminderName", name),
                    new NpgsqlParameter("StartTime", now + start),
                    new NpgsqlParameter("Period", 5_000L),
                    new NpgsqlParameter("GrainHash", hash));
            }
        }

        var windowed = ReminderWindow.Apply(connectionString, TimeSpan.FromMinutes(20));
        string[] dueSoon = ["-1000/due", "-1000/near", "-1000/past", "1000/due", "1000/near", "1000/past"];

        Assert.Equal(dueSoon, await ReadRangeAsync(windowed, "ReadRangeRows1Key", -2000, 2000));
        Assert.Equal(dueSoon, await ReadRangeAsync(windowed, "ReadRangeRows2Key", 0, 0));
        Assert.Equal(["1000/due", "1000/near", "1000/past"], await ReadRangeAsync(windowed, "ReadRangeRows2Key", 0, -2000));
        Assert.Equal(["-1000/due", "-1000/near", "-1000/past"], await ReadRangeAsync(windowed, "ReadRangeRows2Key", 2000, -1));
        // Without the window (a client that does not announce one) the reads return the whole range.
        Assert.Equal(10, (await ReadRangeAsync(connectionString, "ReadRangeRows1Key", -2000, 2000)).Length);
        Assert.Equal(10, (await ReadRangeAsync(connectionString, "ReadRangeRows2Key", 0, 0)).Length);

        async Task<string[]> ReadRangeAsync(string sessionConnectionString, string queryKey, int beginHash, int endHash)
        {
            var rows = await Db.ReadReminderRangeAsync(connectionString, sessionConnectionString, queryKey, "svc", beginHash, endHash, ct);
            return [.. rows.Select(r => $"{r.GrainId["grain/".Length..]}/{r.ReminderName}").Order(StringComparer.Ordinal)];
        }
    }

    [Fact(Timeout = 60_000)]
    public async Task Membership_writes_with_a_stale_version_change_nothing()
    {
        var ct = TestContext.Current.CancellationToken;
        var connectionString = await TestPostgres.CreateMigratedDatabaseAsync("membership_versions", ct);
        const string Cluster = "c1";

        Assert.Equal(1, await SingleIntAsync("InsertMembershipVersionKey", ("DeploymentId", Cluster)));
        Assert.Equal(0, await SingleIntAsync("InsertMembershipVersionKey", ("DeploymentId", Cluster)));

        Assert.Equal(1, await InsertSiloAsync(port: 11111, version: 0));
        // Stale version (0 again): no row, no version change.
        Assert.Equal(0, await InsertSiloAsync(port: 22222, version: 0));
        // Same silo again with the current version: the row exists, so the version must not move either.
        Assert.Equal(0, await InsertSiloAsync(port: 11111, version: 1));
        Assert.Equal(1, await VersionAsync());

        Assert.Equal(0, await UpdateSiloAsync(port: 11111, version: 0, status: 6));
        Assert.Equal(1, await UpdateSiloAsync(port: 11111, version: 1, status: 6));
        Assert.Equal(2, await VersionAsync());
        Assert.Equal(1L, await Db.ScalarAsync<long>(connectionString, "SELECT count(*) FROM OrleansMembershipTable WHERE Status = 6", ct));

        // Defunct clean-up forgets the dead silo without touching the version; deleting the cluster removes the rest.
        await ExecuteQueryAsync("CleanupDefunctSiloEntriesKey", ("DeploymentId", Cluster), ("IAmAliveTime", DateTime.UtcNow.AddMinutes(1)));
        Assert.Equal(0L, await Db.ScalarAsync<long>(connectionString, "SELECT count(*) FROM OrleansMembershipTable", ct));
        Assert.Equal(2, await VersionAsync());
        await ExecuteQueryAsync("DeleteMembershipTableEntriesKey", ("DeploymentId", Cluster));
        Assert.Equal(0L, await Db.ScalarAsync<long>(connectionString, "SELECT count(*) FROM OrleansMembershipVersionTable", ct));

        Task<int> VersionAsync()
            => Db.ScalarAsync<int>(connectionString, "SELECT Version FROM OrleansMembershipVersionTable WHERE DeploymentId = 'c1'", ct);

        Task<int> InsertSiloAsync(int port, int version) => SingleIntAsync(
            "InsertMembershipKey",
            ("DeploymentId", Cluster), ("Address", "127.0.0.1"), ("Port", port), ("Generation", 1), ("SiloName", "s"),
            ("HostName", "h"), ("Status", 2), ("ProxyPort", 0), ("StartTime", DateTime.UtcNow), ("IAmAliveTime", DateTime.UtcNow),
            ("Version", version));

        Task<int> UpdateSiloAsync(int port, int version, int status) => SingleIntAsync(
            "UpdateMembershipKey",
            ("DeploymentId", Cluster), ("Address", "127.0.0.1"), ("Port", port), ("Generation", 1), ("Status", status),
            ("SuspectTimes", DBNull.Value), ("IAmAliveTime", DateTime.UtcNow), ("Version", version));

        async Task<int> SingleIntAsync(string queryKey, params (string Name, object Value)[] parameters)
            => await Db.ScalarAsync<int>(connectionString, await Db.QueryTextAsync(connectionString, queryKey, ct), ct, ToParameters(parameters));

        async Task ExecuteQueryAsync(string queryKey, params (string Name, object Value)[] parameters)
            => await Db.ExecuteAsync(connectionString, await Db.QueryTextAsync(connectionString, queryKey, ct), ct, ToParameters(parameters));

        static NpgsqlParameter[] ToParameters((string Name, object Value)[] parameters)
            => [.. parameters.Select(p => p.Value is DBNull
                ? new NpgsqlParameter(p.Name, NpgsqlDbType.Text) { Value = DBNull.Value }
                : new NpgsqlParameter(p.Name, p.Value))];
    }

    [Fact(Timeout = 60_000)]
    public async Task Grain_state_writes_answer_the_new_version_or_null_on_a_conflict()
    {
        var ct = TestContext.Current.CancellationToken;
        var connectionString = await TestPostgres.CreateMigratedDatabaseAsync("storage_versions", ct);

        Assert.Equal(1, await WriteAsync(expectedVersion: null));
        // A second activation that never read the state loses its first write...
        Assert.Null(await WriteAsync(expectedVersion: null));
        Assert.Equal(2, await WriteAsync(expectedVersion: 1));
        // ...and so does a writer holding a stale version.
        Assert.Null(await WriteAsync(expectedVersion: 1));
        Assert.Equal(1L, await Db.ScalarAsync<long>(connectionString, "SELECT count(*) FROM OrleansStorage", ct));

        async Task<int?> WriteAsync(int? expectedVersion)
        {
            var result = await Db.ScalarAsync<object>(
                connectionString,
                await Db.QueryTextAsync(connectionString, "WriteToStorageKey", ct),
                ct,
                new NpgsqlParameter("GrainIdHash", 42),
                new NpgsqlParameter("GrainIdN0", 1L),
                new NpgsqlParameter("GrainIdN1", 2L),
                new NpgsqlParameter("GrainTypeHash", 7),
                new NpgsqlParameter("GrainTypeString", "board"),
                new NpgsqlParameter("GrainIdExtensionString", NpgsqlDbType.Text) { Value = DBNull.Value },
                new NpgsqlParameter("ServiceId", "svc"),
                new NpgsqlParameter("GrainStateVersion", NpgsqlDbType.Integer) { Value = (object?)expectedVersion ?? DBNull.Value },
                new NpgsqlParameter("PayloadBinary", new byte[] { 1, 2, 3 }));
            return result is DBNull ? null : (int)result;
        }
    }

    /// <summary>One migrated database for the read-only checks of this class.</summary>
    private static class SharedDatabase
    {
        private static readonly SemaphoreSlim Gate = new(1, 1);
        private static string? _connectionString;

        public static async Task<string> GetAsync(CancellationToken ct)
        {
            await Gate.WaitAsync(ct);
            try
            {
                return _connectionString ??= await TestPostgres.CreateMigratedDatabaseAsync("query_contract", ct);
            }
            finally
            {
                Gate.Release();
            }
        }
    }
}
