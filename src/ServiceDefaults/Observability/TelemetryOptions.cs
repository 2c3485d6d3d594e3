namespace Kudos.ServiceDefaults.Observability;

/// <summary>Export settings (configuration section <c>OpenTelemetry</c>); metrics are always served at <c>/metrics</c>.</summary>
public sealed class TelemetryOptions
{
    public const string Section = "OpenTelemetry";

    /// <summary>The standard variable the OTLP exporter reads by itself; either it or <see cref="OtlpEndpoint"/> turns OTLP export on.</summary>
    public const string StandardEndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>
    /// OTLP collector (gRPC, e.g. <c>http://otel-collector:4317</c>) receiving metrics, traces and logs; none by default.
    /// When empty, <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> (and the other standard <c>OTEL_*</c> variables) apply instead.
    /// </summary>
    public Uri? OtlpEndpoint { get; set; }

    /// <summary>The <c>service.name</c> resource attribute.</summary>
    public string ServiceName { get; set; } = "kudos";
}
