using Kudos.Database;
using Kudos.Grains;
using Kudos.Grains.Boards;
using Kudos.Grains.Email;
using Kudos.Grains.Owners;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Configuration;
using Xunit;

namespace Kudos.SiloTests;

/// <summary>
/// The product's silo wiring keeps idle cost flat in the number of scheduled boards: the reminder provider's sessions
/// announce the range reads' window (derived from the silo's <see cref="ReminderOptions"/>), and idle per-entity grains
/// have a short collection age.
/// </summary>
public sealed class IdleCostWiringTests(InProcessSilo silo) : IClassFixture<InProcessSilo>
{
    [Fact(Timeout = 60_000)]
    public async Task The_reminder_provider_sessions_carry_the_window_of_the_silos_reminder_options()
    {
        var ct = TestContext.Current.CancellationToken;
        var reminders = silo.Services.GetRequiredService<IOptions<ReminderOptions>>().Value;
        var provider = silo.Services.GetRequiredService<IOptions<AdoNetReminderTableOptions>>().Value;

        // The reminder provider opens its connections from the silo's one data source, which carries the window.
        Assert.Same(silo.Services.GetRequiredService<NpgsqlDataSource>(), provider.DataSource);
        await using var connection = await provider.DataSource!.OpenConnectionAsync(ct);
        await using var show = new NpgsqlCommand($"SELECT current_setting('{ReminderWindow.Setting}')::interval", (NpgsqlConnection)connection);
        var window = (TimeSpan)(await show.ExecuteScalarAsync(ct))!;

        // Orleans' defaults: a 10-minute loading window refreshed every 5 minutes, so the reads look 20 minutes ahead.
        Assert.Equal(TimeSpan.FromMinutes(10), reminders.ReminderLoadingWindow);
        Assert.Equal(TimeSpan.FromMinutes(5), reminders.RefreshReminderListPeriod);
        Assert.Equal(TimeSpan.FromMinutes(20), window);
        // Grain storage opens its connections from the same data source: one pool.
        var storage = silo.Services.GetRequiredService<IOptionsMonitor<AdoNetGrainStorageOptions>>().Get(StorageNames.Kudos);
        Assert.Same(provider.DataSource, storage.DataSource);
    }

    [Fact(Timeout = 60_000)]
    public void Idle_per_entity_grains_are_collected_after_the_configured_age()
    {
        var collection = silo.Services.GetRequiredService<IOptions<GrainCollectionOptions>>().Value;

        foreach (var grain in new[] { typeof(BoardGrain), typeof(OwnerGrain), typeof(EmailDispatchGrain), typeof(SuppressionGrain) })
        {
            Assert.Equal(TimeSpan.FromMinutes(2), collection.ClassSpecificCollectionAge[grain.FullName!]);
        }
    }

    [Fact(Timeout = 60_000)]
    public void The_grain_location_cache_is_bounded_well_below_orleans_default_and_the_memory_trim_is_on()
    {
        var directory = silo.Services.GetRequiredService<IOptions<GrainDirectoryOptions>>().Value;
        Assert.Equal(Kudos.Silo.Hosting.KudosSiloExtensions.DefaultDirectoryCacheSize, directory.CacheSize);
        Assert.True(directory.CacheSize < new GrainDirectoryOptions().CacheSize / 10, $"cache {directory.CacheSize}");
        Assert.True(silo.Services.GetRequiredService<IOptions<KudosOptions>>().Value.MemoryTrimAfterDeactivations > 0);
    }
}
