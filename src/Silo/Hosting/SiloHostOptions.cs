namespace Kudos.Silo.Hosting;

/// <summary>The silo's place in the cluster (configuration section <c>Orleans</c>).</summary>
public sealed class SiloHostOptions
{
    public const string Section = "Orleans";

    /// <summary>Silos and clients with the same cluster id form one cluster.</summary>
    public string ClusterId { get; set; } = "kudos-local";

    /// <summary>Stable across deployments: grain state and reminders are keyed by it.</summary>
    public string ServiceId { get; set; } = "kudos";

    /// <summary>Silo-to-silo port.</summary>
    public int SiloPort { get; set; } = 11111;

    /// <summary>Port the API (an Orleans client) connects to.</summary>
    public int GatewayPort { get; set; } = 30000;

    /// <summary>
    /// The address other silos and clients use to reach this one: an IP address, or a host name resolved to its IPv4
    /// address at start-up (e.g. a container's own host name).
    /// </summary>
    public string AdvertisedAddress { get; set; } = "127.0.0.1";

    /// <summary>Apply the database schema at start-up (idempotent, safe with several silos).</summary>
    public bool MigrateDatabase { get; set; } = true;
}
