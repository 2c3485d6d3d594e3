using OpenTelemetry.Exporter;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Kudos.ServiceDefaults.Observability;

/// <summary>
/// OpenTelemetry for a silo or the API: Orleans' meter, the product's <c>Kudos</c> meter (its instruments live in the
/// grains), ASP.NET Core's; traces of HTTP requests continued into the grains (Orleans activity propagation carries the
/// trace context on each grain call) and the product's spans down to SMTP; logs. Metrics are always scrapeable at
/// <c>/metrics</c> (Prometheus text); OTLP export only when an endpoint is set.
/// </summary>
public static class TelemetryExtensions
{
    /// <summary>Orleans' meter (grain calls, activations, messaging, reminders, membership; on a client, gateways).</summary>
    public const string OrleansMeter = "Microsoft.Orleans";

    /// <summary>The product's meter and activity source (<c>KudosMetrics</c> in the grains).</summary>
    public const string KudosSource = "Kudos";

    /// <summary>.NET's own meter: GC heap and committed sizes, collections, thread pool, working set.</summary>
    public const string RuntimeMeter = "System.Runtime";

    /// <summary>Orleans' activity sources: application grain calls and runtime (system) calls.</summary>
    public static readonly string[] OrleansActivitySources = ["Microsoft.Orleans.Application", "Microsoft.Orleans.Runtime"];

    /// <summary>Telemetry named <paramref name="serviceName"/> unless <c>OpenTelemetry:ServiceName</c> says otherwise.</summary>
    public static WebApplicationBuilder AddKudosTelemetry(this WebApplicationBuilder builder, string serviceName)
    {
        var section = builder.Configuration.GetSection(TelemetryOptions.Section);
        builder.Services.AddOptions<TelemetryOptions>().Configure(o => o.ServiceName = serviceName).Bind(section)
            .Validate(o => o.OtlpEndpoint is null || (o.OtlpEndpoint.IsAbsoluteUri && o.OtlpEndpoint.Scheme is "http" or "https"), "OpenTelemetry:OtlpEndpoint must be an absolute http(s) URL.")
            .Validate(o => !string.IsNullOrWhiteSpace(o.ServiceName), "OpenTelemetry:ServiceName must not be empty.")
            .ValidateOnStart();
        var options = new TelemetryOptions { ServiceName = serviceName };
        section.Bind(options);
        var otlp = options.OtlpEndpoint is not null || !string.IsNullOrWhiteSpace(builder.Configuration[TelemetryOptions.StandardEndpointVariable]);

        void Endpoint(OtlpExporterOptions exporter)
        {
            if (options.OtlpEndpoint is { IsAbsoluteUri: true } endpoint)
            {
                exporter.Endpoint = endpoint;
            }
        }

        if (otlp)
        {
            builder.Logging.AddOpenTelemetry(logging =>
            {
                logging.IncludeFormattedMessage = true;
                logging.IncludeScopes = true;
                logging.AddOtlpExporter(Endpoint);
            });
        }

        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(options.ServiceName))
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(OrleansMeter, KudosSource, RuntimeMeter)
                    .AddAspNetCoreInstrumentation()
                    .AddHttpClientInstrumentation()
                    .AddPrometheusExporter();
                if (otlp)
                {
                    metrics.AddOtlpExporter(Endpoint);
                }
            });

        // Traces only with a collector to send them to: a listener without an exporter would still make an activity of
        // every grain call and request, and throw it away.
        if (otlp)
        {
            telemetry.WithTracing(tracing => tracing
                .AddSource(KudosSource)
                .AddSource(OrleansActivitySources)
                .AddAspNetCoreInstrumentation(aspnet => aspnet.Filter = context => !IsOperational(context.Request.Path))
                .AddOtlpExporter(Endpoint));
        }

        return builder;
    }

    /// <summary>The Prometheus scrape endpoint at <c>/metrics</c>.</summary>
    public static WebApplication MapKudosMetrics(this WebApplication app)
    {
        app.MapPrometheusScrapingEndpoint("/metrics");
        return app;
    }

    /// <summary>Probes and scrapes are not traced: they would drown the traces that matter.</summary>
    private static bool IsOperational(PathString path) =>
        path.StartsWithSegments("/health", StringComparison.OrdinalIgnoreCase) || path.StartsWithSegments("/metrics", StringComparison.OrdinalIgnoreCase);
}
