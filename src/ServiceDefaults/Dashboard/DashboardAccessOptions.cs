namespace Kudos.ServiceDefaults.Dashboard;

/// <summary>
/// Operator credentials for the Orleans dashboard at <c>/dashboard</c> (configuration section <c>Dashboard</c>).
/// Without a password the dashboard is not mapped at all: no anonymous dashboard ever exists.
/// </summary>
public sealed class DashboardAccessOptions
{
    public const string Section = "Dashboard";

    /// <summary>HTTP Basic user name.</summary>
    public string User { get; set; } = "admin";

    /// <summary>HTTP Basic password; empty (the default) leaves the dashboard unmapped.</summary>
    public string? Password { get; set; }

    /// <summary>Whether the dashboard is served.</summary>
    public bool Enabled => !string.IsNullOrEmpty(Password);
}
