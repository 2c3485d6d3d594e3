using Microsoft.Extensions.Options;
using Orleans.Dashboard;

namespace Kudos.ServiceDefaults.Dashboard;

/// <summary>The Orleans dashboard at <c>/dashboard</c>, behind HTTP Basic authentication.</summary>
public static partial class DashboardExtensions
{
    /// <summary>The path the dashboard is served under.</summary>
    public const string Path = "/dashboard";

    /// <summary>Binds and validates <see cref="DashboardAccessOptions"/>.</summary>
    public static IServiceCollection AddKudosDashboardAccess(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<DashboardAccessOptions>().Bind(configuration.GetSection(DashboardAccessOptions.Section))
            .Validate(o => !o.Enabled || !string.IsNullOrWhiteSpace(o.User), "Dashboard:User must not be empty when Dashboard:Password is set.")
            .Validate(o => !o.Enabled || !o.User.Contains(':', StringComparison.Ordinal), "Dashboard:User must not contain ':' (HTTP Basic).")
            .ValidateOnStart();
        return services;
    }

    /// <summary>
    /// Maps the dashboard when <c>Dashboard:Password</c> is set; every request under <see cref="Path"/> without the
    /// credentials gets 401 and a <c>WWW-Authenticate</c> challenge. Without a password nothing is mapped (404).
    /// </summary>
    public static WebApplication MapKudosDashboard(this WebApplication app)
    {
        var access = app.Services.GetRequiredService<IOptions<DashboardAccessOptions>>().Value;
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(DashboardExtensions).FullName!);
        if (!access.Enabled)
        {
            LogDashboardDisabled(logger);
            return app;
        }

        var basic = new BasicAuthentication(access.User, access.Password!, "Kudos operators");
        app.UseWhen(
            context => context.Request.Path.StartsWithSegments(Path, StringComparison.OrdinalIgnoreCase),
            branch => branch.Use((context, next) => basic.IsAuthorized(context.Request.Headers.Authorization) ? next(context) : basic.ChallengeAsync(context)));
        app.MapOrleansDashboard(routePrefix: Path);
        LogDashboardEnabled(logger, Path, access.User);
        return app;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "The Orleans dashboard is not served: Dashboard:Password is not set.")]
    private static partial void LogDashboardDisabled(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "The Orleans dashboard is served at {Path} for the user {User} (HTTP Basic).")]
    private static partial void LogDashboardEnabled(ILogger logger, string path, string user);
}
