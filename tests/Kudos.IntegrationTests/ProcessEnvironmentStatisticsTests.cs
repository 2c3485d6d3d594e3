using Kudos.Silo.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orleans.Statistics;
using Xunit;

namespace Kudos.IntegrationTests;

/// <summary>
/// The silo's CPU and memory readings for Orleans come from the process's CPU time and the GC, not from the runtime's
/// EventCounters: CPU usage is CPU time over elapsed time on all cores, sampled at most once a second; smoothed values
/// follow a rise at once and decay after a fall.
/// </summary>
public sealed class ProcessEnvironmentStatisticsTests
{
    private readonly FakeTimeProvider _time = new();
    private TimeSpan _cpu = TimeSpan.FromSeconds(7);
    private (long Used, long Maximum) _memory = (400, 1_000);

    private ProcessEnvironmentStatistics Provider(int processors = 2) => new(_time, () => _cpu, () => _memory, processors);

    [Fact]
    public void Cpu_usage_is_cpu_time_over_elapsed_time_on_all_cores_sampled_at_most_once_a_period()
    {
        var provider = Provider(processors: 2);
        Assert.Equal(0f, provider.GetEnvironmentStatistics().RawCpuUsagePercentage);

        // One second of CPU in one second on two cores: half the machine; a rise is followed at once.
        _time.Advance(TimeSpan.FromSeconds(1));
        _cpu += TimeSpan.FromSeconds(1);
        var busy = provider.GetEnvironmentStatistics();
        Assert.Equal(50f, busy.RawCpuUsagePercentage, 3);
        Assert.Equal(50f, busy.FilteredCpuUsagePercentage, 3);

        // Within the period the last sample stands (the CPU time is not read again).
        _time.Advance(TimeSpan.FromMilliseconds(500));
        _cpu += TimeSpan.FromSeconds(1);
        Assert.Equal(50f, provider.GetEnvironmentStatistics().RawCpuUsagePercentage, 3);

        // The next sample covers the whole interval since the last one: 1 s of CPU in 1 s on two cores.
        _time.Advance(TimeSpan.FromMilliseconds(500));
        Assert.Equal(50f, provider.GetEnvironmentStatistics().RawCpuUsagePercentage, 3);

        // Idle for a second: the raw reading drops to 0, the smoothed one decays towards it.
        _time.Advance(TimeSpan.FromSeconds(1));
        var idle = provider.GetEnvironmentStatistics();
        Assert.Equal(0f, idle.RawCpuUsagePercentage);
        Assert.Equal(50f * (1 - (float)ProcessEnvironmentStatistics.DecayWeight), idle.FilteredCpuUsagePercentage, 3);

        // More CPU time than the cores can give (a counter's rounding) reads as 100 %.
        _time.Advance(TimeSpan.FromSeconds(1));
        _cpu += TimeSpan.FromSeconds(3);
        Assert.Equal(100f, provider.GetEnvironmentStatistics().RawCpuUsagePercentage);
    }

    [Fact]
    public void Memory_in_use_and_available_add_up_to_the_maximum_and_the_smoothed_use_decays_after_a_fall()
    {
        var provider = Provider();
        var first = provider.GetEnvironmentStatistics();
        Assert.Equal(1_000, first.MaximumAvailableMemoryBytes);
        AssertMemory(first, used: 400, available: 600, smoothedUsed: 400, smoothedAvailable: 600);

        _memory = (100, 1_000);
        AssertMemory(provider.GetEnvironmentStatistics(), used: 100, available: 900, smoothedUsed: 310, smoothedAvailable: 690);

        // Beyond the limit (committed memory the GC has not returned yet) it reads as all of it, never more.
        _memory = (1_500, 1_000);
        AssertMemory(provider.GetEnvironmentStatistics(), used: 1_000, available: 0, smoothedUsed: 1_000, smoothedAvailable: 0);
    }

    private static void AssertMemory(EnvironmentStatistics statistics, long used, long available, long smoothedUsed, long smoothedAvailable)
    {
        Assert.Equal(
            (used, available, smoothedUsed, smoothedAvailable),
            (statistics.RawMemoryUsageBytes, statistics.RawAvailableMemoryBytes, statistics.FilteredMemoryUsageBytes, statistics.FilteredAvailableMemoryBytes));
    }

    [Fact]
    public void The_process_counters_read_this_process()
    {
        var provider = new ProcessEnvironmentStatistics(_time);

        // Use some CPU (until the process's own counter shows 20 ms more), then let a fake second pass.
        var until = Environment.CpuUsage.TotalTime + TimeSpan.FromMilliseconds(20);
        var spins = 0L;
        while (Environment.CpuUsage.TotalTime < until)
        {
            spins += Random.Shared.Next(2);
        }

        _time.Advance(TimeSpan.FromSeconds(1));
        var statistics = provider.GetEnvironmentStatistics();

        Assert.True(statistics.RawCpuUsagePercentage > 0, $"{statistics} after {spins} spins");
        Assert.InRange(statistics.RawMemoryUsageBytes, 1, statistics.MaximumAvailableMemoryBytes);
        Assert.Equal(statistics.MaximumAvailableMemoryBytes, statistics.RawMemoryUsageBytes + statistics.RawAvailableMemoryBytes);
    }

    [Fact]
    public void The_silo_resolves_this_provider_and_no_other()
    {
        var builder = WebApplication.CreateBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Kudos"] = "Host=127.0.0.1;Database=kudos_wiring",
        });
        builder.AddKudosSilo(out _);

        // The only registration: Orleans' own provider (and its EventCounter listener) is never constructed.
        var registration = Assert.Single(builder.Services, d => d.ServiceType == typeof(IEnvironmentStatisticsProvider));
        Assert.Null(registration.ImplementationType);
        using var app = builder.Build();
        Assert.IsType<ProcessEnvironmentStatistics>(app.Services.GetRequiredService<IEnvironmentStatisticsProvider>());
    }
}
