using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;

namespace Kudos.GrainTests;

/// <summary>
/// A <see cref="GrainCluster"/> whose grains read a <see cref="FakeTimeProvider"/>: a test moves time forward by days in
/// an instant. Sends are not rate-limited here.
/// </summary>
public sealed class FakeClockGrainCluster : GrainCluster
{
    /// <summary>How long a dispatch keeps its provider events in this cluster (the product's default).</summary>
    public static readonly TimeSpan EventRetention = TimeSpan.FromDays(30);

    public FakeClockGrainCluster()
    {
        Settings.Remove("Smtp:MaxMessagesPerSecond");
        Settings["Email:EventRetention"] = EventRetention.ToString();
    }

    /// <summary>The grains' clock; it moves only when a test advances it.</summary>
    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    protected override void ConfigureServices(IServiceCollection services)
    {
        services.RemoveAll<TimeProvider>();
        services.AddSingleton<TimeProvider>(Clock);
    }
}
