using System.Text.Json.Serialization;
using Kudos.Api.Admin;
using Kudos.Api.Boards;
using Kudos.Api.Health;
using Kudos.Api.Http;
using Kudos.Api.OpenApi;
using Kudos.Api.Owners;
using Kudos.Api.Webhooks;
using Kudos.ServiceDefaults.Dashboard;
using Kudos.ServiceDefaults.Health;
using Kudos.ServiceDefaults.Observability;
using Orleans.Configuration;
using Orleans.Dashboard;

namespace Kudos.Api.Hosting;

/// <summary>The API's wiring: an Orleans client that finds gateways in the PostgreSQL membership table, JSON and problem details.</summary>
public static class ApiHostingExtensions
{
    public static WebApplicationBuilder AddKudosApi(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        var connectionString = configuration.GetConnectionString("Kudos");
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new InvalidOperationException("ConnectionStrings:Kudos is required (the PostgreSQL database holding the cluster's membership table).");
        }

        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = RequestBodies.MaxBytes);
        builder.Services.ConfigureHttpJsonOptions(json =>
        {
            json.SerializerOptions.Converters.Add(new JsonStringEnumConverter());
            json.SerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
            // Numbers are JSON numbers: the web defaults would also read "5" as 5, and the document would say integer | string.
            json.SerializerOptions.NumberHandling = JsonNumberHandling.Strict;
        });
        // Binding failures (malformed JSON, wrong media type) reach the exception handler as exceptions naming the cause,
        // instead of a bare 400 (the default outside Development).
        builder.Services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        builder.Services.AddProblemDetails(problems => problems.CustomizeProblemDetails = context =>
            // Problems the framework writes by status alone (unmatched route, wrong method, a body over the limit) still
            // get a detail that helps.
            ApiProblems.CompleteStatusOnly(context.ProblemDetails, context.HttpContext));
        builder.Services.AddExceptionHandler<KudosExceptionHandler>();
        if (configuration[Idempotency.SecretKey] is { Length: > 0 } secret
            && !(Convert.TryFromBase64String(secret, new byte[secret.Length], out var length) && length >= 32))
        {
            throw new InvalidOperationException($"{Idempotency.SecretKey} must be base64 of at least 32 random bytes (or unset: the cluster then keeps one).");
        }

        builder.Services.AddSingleton<Idempotency>();
        builder.Services.AddKudosRateLimits(configuration);
        builder.Services.AddCardPictures(configuration);
        builder.Services.Configure<AdminOptions>(configuration.GetSection(AdminOptions.Section));
        builder.Services.Configure<EmailEventsWebhookOptions>(configuration.GetSection(EmailEventsWebhookOptions.Section));
        builder.Services.AddSingleton(TimeProvider.System);
        // Lets database errors from the silos arrive as themselves, so the exception handler can answer 503.
        builder.Services.Configure<Orleans.Serialization.ExceptionSerializationOptions>(o => o.SupportedNamespacePrefixes.Add("Npgsql"));
        // Part of /health/ready: Degraded (still serving) while the email backlog is an incident.
        builder.Services.AddHealthChecks().AddCheck<EmailBacklogHealthCheck>("email-backlog", tags: [HealthEndpoints.ReadyTag], timeout: TimeSpan.FromSeconds(5));
        builder.Services.AddKudosOpenApi();
        builder.Services.AddKudosHealth<ClusterClientHealthCheck>(connectionString);
        builder.Services.AddKudosDashboardAccess(configuration);
        builder.AddKudosTelemetry("kudos-api");

        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(options =>
            {
                options.ClusterId = configuration["Orleans:ClusterId"] ?? "kudos-local";
                options.ServiceId = configuration["Orleans:ServiceId"] ?? "kudos";
            });
            client.UseAdoNetClustering(options =>
            {
                options.Invariant = "Npgsql";
                options.ConnectionString = connectionString;
            });
            client.AddActivityPropagation();
            client.AddDashboard();
        });
        return builder;
    }

    public static WebApplication MapKudosApi(this WebApplication app)
    {
        app.UseSecurityHeaders();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseKudosRateLimits();
        app.MapWebClient();
        app.MapKudosOpenApi();
        app.MapKudosHealth();
        app.MapKudosMetrics();
        app.MapKudosDashboard();
        app.MapBoardsApi();
        app.MapCardPictures();
        app.MapThanks();
        app.MapAdminApi();
        app.MapOwnersApi();
        app.MapUnsubscribe();
        app.MapWebhooksApi();
        return app;
    }
}
