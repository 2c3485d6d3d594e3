using Kudos.Database;
using Kudos.Grains;
using Kudos.Grains.Analytics;
using Kudos.Grains.Boards;
using Kudos.Grains.Email;
using Kudos.Grains.Indexes;
using Kudos.Grains.Owners;
using Kudos.Grains.Scheduling;
using Kudos.ServiceDefaults.Dashboard;
using Kudos.ServiceDefaults.Health;
using Kudos.ServiceDefaults.Observability;
using Kudos.Silo.Alerts;
using Kudos.Silo.Email;
using Kudos.Silo.Health;
using Kudos.Silo.Storage;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Configuration;
using Orleans.Dashboard;

namespace Kudos.Silo.Hosting;

/// <summary>The silo's wiring, shared by the silo host and the test clusters so both run the same configuration.</summary>
public static class KudosSiloExtensions
{
    /// <summary>The ADO.NET provider name of Npgsql (grain storage would default to SQL Server without it).</summary>
    public const string NpgsqlInvariant = "Npgsql";

    /// <summary>Grains kept per entity (one per board, owner, dispatch, address, event), idle most of their life.</summary>
    private static readonly Type[] IdleCollectedGrains =
    [
        typeof(Kudos.Grains.Boards.BoardGrain),
        typeof(OwnerGrain),
        typeof(OwnerCredentialGrain),
        typeof(EmailDispatchGrain),
        typeof(SuppressionGrain),
    ];

    /// <summary>The grain location cache's bound unless <c>Orleans:GrainDirectory:CacheSize</c> says otherwise.</summary>
    public const int DefaultDirectoryCacheSize = 10_000;

    /// <summary>Options (validated at start-up), the SMTP transport and the clock the grains use.</summary>
    public static IServiceCollection AddKudosGrainServices(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<KudosOptions>().Bind(configuration.GetSection(KudosOptions.Section)).ValidateOnStart();
        services.AddOptions<EmailOptions>().Bind(configuration.GetSection(EmailOptions.Section)).ValidateOnStart();
        services.AddOptions<OwnerOptions>().Bind(configuration.GetSection(OwnerOptions.Section)).ValidateOnStart();
        services.AddOptions<SmtpOptions>().Bind(configuration.GetSection(SmtpOptions.Section)).ValidateOnStart();
        services.AddSingleton<SiloOptionsValidator>();
        services.AddSingleton<IValidateOptions<KudosOptions>>(sp => sp.GetRequiredService<SiloOptionsValidator>());
        services.AddSingleton<IValidateOptions<OwnerOptions>>(sp => sp.GetRequiredService<SiloOptionsValidator>());
        services.AddSingleton<IValidateOptions<EmailOptions>>(sp => sp.GetRequiredService<SiloOptionsValidator>());
        services.AddSingleton<IValidateOptions<SmtpOptions>>(sp => sp.GetRequiredService<SiloOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<DueWorkGate>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, ActivationEnding.Observer>();
        services.AddSingleton<MemoryTrim>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<MemoryTrim>());
        // Database errors raised while a grain activates must reach the API intact (it answers 503), not as a codec error.
        services.Configure<Orleans.Serialization.ExceptionSerializationOptions>(o => o.SupportedNamespacePrefixes.Add("Npgsql"));
        services.AddHttpClient<IAlertSender, HttpAlertSender>();
        services.TryAddSingleton<IEmailTransport, SmtpEmailTransport>();
        services.AddKudosEmailTransportOptions(configuration);

        // Orleans:Reminders binds ReminderOptions (the loading window and refresh period also size the range reads' window,
        // see ReminderWindow). Reminders must be allowed at the period the grains register them with (Orleans' default
        // minimum is 1 minute).
        services.AddOptions<ReminderOptions>()
            .Bind(configuration.GetSection("Orleans:Reminders"))
            .Configure<IOptions<KudosOptions>>((reminders, kudos) => reminders.MinimumReminderPeriod = kudos.Value.ReminderPeriod);

        // Orleans caches grain locations (up to 1,000,000 by default) and reports the cache's size by enumerating it on each
        // metrics collection — every second, by the dashboard: at tens of thousands of boards that took 7 % of the silo's CPU
        // in the P2 burst (still 5 % bounded at 50,000), and the entries of boards long deactivated stayed in memory. Bounded
        // here (Orleans:GrainDirectory:CacheSize): a miss costs one directory lookup, a call to the silo owning the partition.
        services.AddOptions<GrainDirectoryOptions>()
            .Configure(directory => directory.CacheSize = DefaultDirectoryCacheSize)
            .Bind(configuration.GetSection("Orleans:GrainDirectory"));

        // Idle per-entity grains are deactivated after Kudos:IdleCollectionAge: a board waiting days for its instant holds
        // a reminder row, not an activation. A DueTimer's armed timer keeps its grain active until it fires.
        services.AddOptions<GrainCollectionOptions>()
            .Configure<IOptions<KudosOptions>>((collection, kudos) =>
            {
                foreach (var grainClass in IdleCollectedGrains)
                {
                    collection.ClassSpecificCollectionAge[grainClass.FullName!] = kudos.Value.IdleCollectionAge;
                }
            });
        return services;
    }

    /// <summary>
    /// Grain storage (System.Text.Json), reminders and the card table on PostgreSQL, through one pool
    /// (<see cref="KudosDataSource"/>, also used by the clustering provider when the silo is configured by <see cref="AddKudosSilo"/>).
    /// </summary>
    public static ISiloBuilder AddKudosPersistence(this ISiloBuilder silo, string connectionString)
    {
        // The reminder range reads return only the reminders due within the window derived from ReminderOptions (see
        // ReminderWindow and deploy/sql/008_reminder_window.sql): every connection of the pool carries the window, so a
        // refresh reads the reminders due soon, not every scheduled board (the setting is harmless to other statements).
        silo.Services.TryAddSingleton(services => KudosDataSource.Create(WithReminderWindow(connectionString, services.GetRequiredService<IOptions<ReminderOptions>>().Value)));
        silo.Services.TryAddSingleton<ICardStore, PostgresCardStore>();
        silo.Services.TryAddSingleton<IProviderMessageStore, PostgresProviderMessageStore>();
        silo.Services.TryAddSingleton<Kudos.Grains.Analytics.IEmailStatsStore, PostgresEmailStatsStore>();
        silo.Services.TryAddSingleton<IIndexStore, PostgresIndexStore>();
        silo.AddIncomingGrainCallFilter<StorageFailureFilter>();
        silo.UseSystemTextJsonGrainStorageSerializer();
        silo.AddAdoNetGrainStorage(StorageNames.Kudos, options => options.Configure<NpgsqlDataSource>((storage, dataSource) =>
        {
            storage.Invariant = NpgsqlInvariant;
            storage.DataSource = dataSource;
        }));
        silo.UseAdoNetReminderService(options => options.Configure<NpgsqlDataSource>((reminders, dataSource) =>
        {
            reminders.Invariant = NpgsqlInvariant;
            reminders.DataSource = dataSource;
        }));
        return silo;
    }

    /// <summary>
    /// Orleans' CPU and memory readings from the process's counters (<see cref="ProcessEnvironmentStatistics"/>) instead
    /// of its default provider, which turns on every runtime EventCounter once a second for one of them.
    /// </summary>
    public static ISiloBuilder UseProcessEnvironmentStatistics(this ISiloBuilder silo)
    {
        silo.Services.RemoveAll<Orleans.Statistics.IEnvironmentStatisticsProvider>();
        silo.Services.AddSingleton<Orleans.Statistics.IEnvironmentStatisticsProvider>(services =>
            new ProcessEnvironmentStatistics(services.GetRequiredService<TimeProvider>()));
        return silo;
    }

    private static string WithReminderWindow(string connectionString, ReminderOptions reminders) =>
        ReminderWindow.Apply(connectionString, ReminderWindow.For(reminders.ReminderLoadingWindow, reminders.RefreshReminderListPeriod));

    /// <summary>The whole silo: cluster membership on PostgreSQL, endpoints, persistence, reminders and services.</summary>
    public static WebApplicationBuilder AddKudosSilo(this WebApplicationBuilder builder, out string connectionString)
    {
        var configuration = builder.Configuration;
        var cs = configuration.GetConnectionString("Kudos");
        if (string.IsNullOrWhiteSpace(cs))
        {
            throw new OptionsValidationException("ConnectionStrings:Kudos", typeof(string), ["ConnectionStrings:Kudos is required (a PostgreSQL connection string)."]);
        }

        connectionString = cs;
        builder.Services.AddOptions<SiloHostOptions>().Bind(configuration.GetSection(SiloHostOptions.Section)).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<SiloHostOptions>>(sp => sp.GetRequiredService<SiloOptionsValidator>());
        builder.Services.AddKudosGrainServices(configuration);
        builder.Services.AddKudosGracefulShutdown(configuration);
        builder.Services.AddKudosHealth<SiloActiveHealthCheck>(cs);
        builder.Services.AddKudosDashboardAccess(configuration);
        builder.AddKudosTelemetry("kudos-silo");

        var host = configuration.GetSection(SiloHostOptions.Section).Get<SiloHostOptions>() ?? new SiloHostOptions();
        builder.UseOrleans(silo =>
        {
            silo.Configure<ClusterOptions>(options =>
            {
                options.ClusterId = host.ClusterId;
                options.ServiceId = host.ServiceId;
            });
            if (System.Net.IPAddress.TryParse(host.AdvertisedAddress, out var advertised))
            {
                silo.ConfigureEndpoints(advertised, host.SiloPort, host.GatewayPort, listenOnAnyHostAddress: false);
            }
            else
            {
                // A host name (a container's own name, where the network hands out addresses): Orleans resolves it
                // to this host's IPv4 address at start-up.
                silo.ConfigureEndpoints(host.AdvertisedAddress, host.SiloPort, host.GatewayPort, System.Net.Sockets.AddressFamily.InterNetwork, listenOnAnyHostAddress: false);
            }
            silo.AddKudosPersistence(cs);
            silo.UseAdoNetClustering(options => options.Configure<NpgsqlDataSource>((clustering, dataSource) =>
            {
                clustering.Invariant = NpgsqlInvariant;
                clustering.DataSource = dataSource;
            }));
            silo.ConfigureFailureDetection(configuration);
            silo.UseProcessEnvironmentStatistics();
            silo.AddActivityPropagation();

            // The dashboard collects Orleans' metrics every second (7.5 % of the silo's CPU in the P2 burst): only when it
            // is served, i.e. with Dashboard:Password (set on the silos and the API alike; the API's dashboard reads the
            // silos' collection).
            if (configuration.GetSection(DashboardAccessOptions.Section).Get<DashboardAccessOptions>()?.Enabled == true)
            {
                silo.AddDashboard();
            }
        });
        return builder;
    }
}
