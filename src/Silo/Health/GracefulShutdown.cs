namespace Kudos.Silo.Health;

/// <summary>
/// Graceful stop (SIGTERM): the host stops Kestrel, then the silo. Orleans marks the silo ShuttingDown (readiness turns
/// 503), lets running grain turns finish — an SMTP send is one turn, itself bounded by <c>Smtp:Timeout</c> — deactivates
/// grains, writes the silo Dead in the membership table so the others take over its reminders at once, and exits.
/// <c>HostOptions:ShutdownTimeout</c> bounds all of it; past the bound the stop turns ungraceful (the work is then
/// recovered as after a crash). Keep it above <c>Smtp:Timeout</c> and below the orchestrator's kill deadline
/// (Kubernetes <c>terminationGracePeriodSeconds</c>, compose <c>stop_grace_period</c>).
/// </summary>
public static class GracefulShutdown
{
    public const string Section = "HostOptions";

    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(45);

    public static IServiceCollection AddKudosGracefulShutdown(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<HostOptions>()
            .Configure(options => options.ShutdownTimeout = DefaultTimeout)
            .Bind(configuration.GetSection(Section))
            .Validate(o => o.ShutdownTimeout > TimeSpan.Zero && o.ShutdownTimeout <= TimeSpan.FromMinutes(10), "HostOptions:ShutdownTimeout must be between 00:00:00 and 00:10:00.")
            .ValidateOnStart();
        return services;
    }
}
