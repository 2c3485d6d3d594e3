using System.Runtime.CompilerServices;
using Orleans.Statistics;

namespace Kudos.Silo.Hosting;

/// <summary>
/// The silo's CPU and memory use as Orleans reads them (its load publisher, placement and load shedding), from the
/// process's own counters. Orleans' default provider takes the CPU usage from the runtime's EventCounters, which it turns
/// on — every System.Runtime counter, computed and published once a second — to read that one value: 4.4 % of the silo's
/// CPU samples in the P2 burst. This reads the process's CPU time (<see cref="Environment.CpuUsage"/>, one system call)
/// averaged over at least <see cref="CpuSamplePeriod"/>, and the managed memory from the GC, as Orleans' provider does.
/// Like Orleans' filter, the smoothed values follow a rise at once (a silo getting busy must be seen as busy) and decay
/// over a few samples after a fall.
/// </summary>
public sealed class ProcessEnvironmentStatistics : IEnvironmentStatisticsProvider
{
    /// <summary>The shortest interval the CPU usage is averaged over; a reading within it returns the last sample.</summary>
    public static readonly TimeSpan CpuSamplePeriod = TimeSpan.FromSeconds(1);

    /// <summary>How much of the gap to a lower reading a smoothed value closes per sample.</summary>
    public const double DecayWeight = 0.3;

    private readonly TimeProvider _time;
    private readonly Func<TimeSpan> _cpuTime;
    private readonly Func<(long Used, long Maximum)> _memory;
    private readonly int _processors;
    private readonly Lock _lock = new();
    private long _sampledAt;
    private TimeSpan _cpuAtSample;
    private float _cpu;
    private float _smoothedCpu;
    private double _smoothedMemory;

    public ProcessEnvironmentStatistics(TimeProvider time)
        : this(time, static () => Environment.CpuUsage.TotalTime, ManagedMemory, Environment.ProcessorCount)
    {
    }

    /// <summary>
    /// With the process's counters replaced, for tests: <paramref name="cpuTime"/> the CPU time used so far (all
    /// threads), <paramref name="memory"/> the managed memory in use and the most the process may use.
    /// </summary>
    public ProcessEnvironmentStatistics(TimeProvider time, Func<TimeSpan> cpuTime, Func<(long Used, long Maximum)> memory, int processors)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(processors, 1);
        _time = time;
        _cpuTime = cpuTime;
        _memory = memory;
        _processors = processors;
        _sampledAt = time.GetTimestamp();
        _cpuAtSample = cpuTime();
    }

    public EnvironmentStatistics GetEnvironmentStatistics()
    {
        var memory = _memory();
        var maximum = Math.Max(0, memory.Maximum);
        var used = Math.Clamp(memory.Used, 0, maximum);
        lock (_lock)
        {
            var now = _time.GetTimestamp();
            var elapsed = _time.GetElapsedTime(_sampledAt, now);
            if (elapsed >= CpuSamplePeriod)
            {
                var cpuTime = _cpuTime();
                _cpu = (float)Math.Clamp((cpuTime - _cpuAtSample) / (elapsed * _processors) * 100, 0, 100);
                _smoothedCpu = (float)Smooth(_smoothedCpu, _cpu);
                _cpuAtSample = cpuTime;
                _sampledAt = now;
            }

            _smoothedMemory = Math.Min(Smooth(_smoothedMemory, used), maximum);
            var smoothedMemory = (long)_smoothedMemory;
            return Statistics(
                cpuUsagePercentage: _smoothedCpu,
                rawCpuUsagePercentage: _cpu,
                memoryUsageBytes: smoothedMemory,
                rawMemoryUsageBytes: used,
                availableMemoryBytes: maximum - smoothedMemory,
                rawAvailableMemoryBytes: maximum - used,
                maximumAvailableMemoryBytes: maximum);
        }
    }

    /// <summary>
    /// The managed heap's committed memory less its free fragments, and the GC's limit (as Orleans measures them), as of
    /// the last collection; before the process's first one the GC has nothing to report, so that one is run here.
    /// </summary>
    private static (long Used, long Maximum) ManagedMemory()
    {
        if (GC.CollectionCount(0) == 0)
        {
            GC.Collect(0, GCCollectionMode.Forced, blocking: true);
        }

        var memory = GC.GetGCMemoryInfo();
        return (memory.TotalCommittedBytes - memory.FragmentedBytes, memory.TotalAvailableMemoryBytes);
    }

    private static double Smooth(double previous, double reading) =>
        reading >= previous ? reading : previous + ((reading - previous) * DecayWeight);

    // Orleans builds its statistics through an internal constructor only; the struct is its public contract (read by
    // its placement, load publisher and dashboard), so the provider fills it through that constructor. A test constructs
    // one through this accessor and reads every field back: a changed signature fails there, not in production.
    [UnsafeAccessor(UnsafeAccessorKind.Constructor)]
    internal static extern EnvironmentStatistics Statistics(
        float cpuUsagePercentage,
        float rawCpuUsagePercentage,
        long memoryUsageBytes,
        long rawMemoryUsageBytes,
        long availableMemoryBytes,
        long rawAvailableMemoryBytes,
        long maximumAvailableMemoryBytes);
}
