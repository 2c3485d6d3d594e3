using Kudos.Testing;
using Npgsql;
using Xunit;

namespace Kudos.Database.Tests;

public sealed class SchemaMigratorTests
{
    [Fact(Timeout = 60_000)]
    public async Task Migrating_a_fresh_database_records_every_script_up_to_the_latest_version()
    {
        var ct = TestContext.Current.CancellationToken;
        var connectionString = await TestPostgres.CreateDatabaseAsync("migrate_fresh", ct);

        await SchemaMigrator.MigrateAsync(connectionString, ct);

        var versions = await Db.ReadVersionsAsync(connectionString, ct);
        Assert.Equal(Enumerable.Range(1, SchemaMigrator.LatestVersion), versions.Select(v => v.Version));
        Assert.All(versions, v => Assert.Matches(@"^\d{3}_\w+\.sql$", v.Name));
        foreach (var table in new[] { "orleansquery", "orleansmembershipversiontable", "orleansmembershiptable", "orleansstorage", "orleansreminderstable" })
        {
            Assert.True(
                await Db.ScalarAsync<bool>(connectionString, $"SELECT to_regclass('{table}') IS NOT NULL", ct),
                $"table {table} should exist after migrating");
        }
    }

    [Fact(Timeout = 60_000)]
    public async Task Migrating_an_up_to_date_database_again_changes_nothing()
    {
        var ct = TestContext.Current.CancellationToken;
        var connectionString = await TestPostgres.CreateMigratedDatabaseAsync("migrate_twice", ct);
        var before = await Db.ReadVersionsAsync(connectionString, ct);
        var queriesBefore = await Db.ScalarAsync<string>(connectionString, "SELECT string_agg(QueryKey || md5(QueryText), ',' ORDER BY QueryKey) FROM OrleansQuery", ct);

        await SchemaMigrator.MigrateAsync(connectionString, ct);

        Assert.Equal(before, await Db.ReadVersionsAsync(connectionString, ct));
        Assert.Equal(queriesBefore, await Db.ScalarAsync<string>(connectionString, "SELECT string_agg(QueryKey || md5(QueryText), ',' ORDER BY QueryKey) FROM OrleansQuery", ct));
    }

    [Fact(Timeout = 60_000)]
    public async Task Concurrent_migrations_of_one_database_all_succeed_and_apply_each_script_once()
    {
        var ct = TestContext.Current.CancellationToken;
        var connectionString = await TestPostgres.CreateDatabaseAsync("migrate_concurrent", ct);

        // Separate connection strings make separate pools, as separate silo processes would have.
        await Task.WhenAll(Enumerable.Range(0, 4).Select(i => Task.Run(
            () => SchemaMigrator.MigrateAsync($"{connectionString};Application Name=migrator{i}", ct), ct)));

        var versions = await Db.ReadVersionsAsync(connectionString, ct);
        Assert.Equal(Enumerable.Range(1, SchemaMigrator.LatestVersion), versions.Select(v => v.Version));
        // Each script inserts each of its query keys once; a second application would have failed on the
        // version key above, and the catalogue has exactly one row per key.
        Assert.Equal(
            await Db.ScalarAsync<long>(connectionString, "SELECT count(DISTINCT QueryKey) FROM OrleansQuery", ct),
            await Db.ScalarAsync<long>(connectionString, "SELECT count(*) FROM OrleansQuery", ct));
    }

    [Fact(Timeout = 60_000)]
    public async Task A_failing_script_is_named_and_the_scripts_before_it_stay_applied()
    {
        var ct = TestContext.Current.CancellationToken;
        var connectionString = await TestPostgres.CreateDatabaseAsync("migrate_failure", ct);
        // A view squatting on the persistence table's name: CREATE TABLE IF NOT EXISTS skips it and the
        // script's CREATE INDEX then fails.
        await Db.ExecuteAsync(connectionString, "CREATE VIEW OrleansStorage AS SELECT 1 AS x", ct);

        var error = await Assert.ThrowsAsync<SchemaMigrationException>(() => SchemaMigrator.MigrateAsync(connectionString, ct));

        Assert.Equal("003_orleans_persistence.sql", error.ScriptName);
        Assert.Equal(3, error.Version);
        Assert.Contains("003_orleans_persistence.sql", error.Message, StringComparison.Ordinal);
        Assert.IsType<PostgresException>(error.InnerException);
        Assert.Equal([1, 2], (await Db.ReadVersionsAsync(connectionString, ct)).Select(v => v.Version));
        Assert.False(
            await Db.ScalarAsync<bool>(connectionString, "SELECT EXISTS (SELECT 1 FROM OrleansQuery WHERE QueryKey = 'WriteToStorageKey')", ct),
            "the failed script's query rows must have been rolled back");
    }
}
