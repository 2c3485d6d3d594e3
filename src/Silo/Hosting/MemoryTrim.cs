using System.Runtime;
using System.Runtime.InteropServices;
using Kudos.Grains;
using Microsoft.Extensions.Options;
using Orleans.Runtime.Diagnostics;

namespace Kudos.Silo.Hosting;

/// <summary>
/// Returns the memory of collected activations to the operating system. After a burst (thousands of boards created or
/// delivered) the activations are deactivated by idle collection, but an idle silo allocates too little to trigger a
/// full collection, so the garbage they left stays in the heap and in the process's resident memory indefinitely. Once a
/// minute this counts the deactivations since the last trim; from <see cref="KudosOptions.MemoryTrimAfterDeactivations"/>
/// on, once the wave has slowed (fewer than that many in the last minute: trimming while tens of thousands of activations
/// are still alive blocked the silo for 540–750 ms and freed little), it runs one blocking, compacting collection in
/// aggressive mode (which also decommits the freed space), then asks the
/// C library to return the free pages of its native heaps (<c>malloc_trim</c>: the runtime's and the libraries' native
/// allocations of the burst — with a heap per thread that ran them, glibc keeps their freed pages resident otherwise).
/// A silo under steady load collects on its own and is rarely trimmed: the count only grows with deactivations.
/// </summary>
public sealed partial class MemoryTrim(IOptions<KudosOptions> options, TimeProvider time, ILogger<MemoryTrim> logger)
    : ILifecycleParticipant<ISiloLifecycle>, IObserver<GrainLifecycleEvents.LifecycleEvent>
{
    /// <summary>How often the count is checked.</summary>
    public static readonly TimeSpan CheckPeriod = TimeSpan.FromMinutes(1);

    private IDisposable? _subscription;
    private ITimer? _timer;
    private long _deactivated;
    private long _atLastTrim;
    private long _atLastCheck;

    /// <summary>Runs the collection; replaceable in tests.</summary>
    public Action Collect { get; init; } = static () =>
    {
        GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
    };

    /// <summary>Returns the native heaps' free pages to the operating system; replaceable in tests.</summary>
    public Action TrimNative { get; init; } = static () => NativeHeap.Trim();

    /// <summary>Deactivations counted since the last trim.</summary>
    public long Pending => Interlocked.Read(ref _deactivated) - _atLastTrim;

    public void Participate(ISiloLifecycle lifecycle) => lifecycle.Subscribe(
        nameof(MemoryTrim),
        ServiceLifecycleStage.Active,
        _ =>
        {
            if (options.Value.MemoryTrimAfterDeactivations > 0)
            {
                _subscription = GrainLifecycleEvents.AllEvents.Subscribe(this);
                _timer = time.CreateTimer(_ => TrimIfDue(), null, CheckPeriod, CheckPeriod);
            }

            return Task.CompletedTask;
        },
        async _ =>
        {
            _subscription?.Dispose();
            if (_timer is not null)
            {
                await _timer.DisposeAsync();
            }
        });

    /// <summary>
    /// Trims when enough activations were deactivated since the last trim and fewer than that many since the previous
    /// check (the wave has slowed); true if it did. Called by one timer, so never concurrently.
    /// </summary>
    public bool TrimIfDue()
    {
        var threshold = options.Value.MemoryTrimAfterDeactivations;
        var total = Interlocked.Read(ref _deactivated);
        var deactivated = total - _atLastTrim;
        var recent = total - _atLastCheck;
        _atLastCheck = total;
        if (threshold <= 0 || deactivated < threshold || recent >= threshold)
        {
            return false;
        }

        _atLastTrim = total;
        var before = GC.GetTotalMemory(forceFullCollection: false);
        var residentBefore = Environment.WorkingSet;
        var started = time.GetTimestamp();
        Collect();
        var residentCollected = Environment.WorkingSet;
        TrimNative();
        LogTrimmed(
            deactivated,
            before / Megabyte,
            GC.GetTotalMemory(forceFullCollection: false) / Megabyte,
            residentBefore / Megabyte,
            residentCollected / Megabyte,
            Environment.WorkingSet / Megabyte,
            time.GetElapsedTime(started).TotalMilliseconds);
        return true;
    }

    public void OnNext(GrainLifecycleEvents.LifecycleEvent value)
    {
        if (value is GrainLifecycleEvents.Deactivated)
        {
            Interlocked.Increment(ref _deactivated);
        }
    }

    public void OnCompleted()
    {
    }

    public void OnError(Exception error)
    {
    }

    private const double Megabyte = 1048576.0;

    [LoggerMessage(Level = LogLevel.Information, Message = "Memory trimmed after {Deactivated} deactivations: managed heap {BeforeMb:F0} MB → {AfterMb:F0} MB; resident {ResidentBeforeMb:F0} MB → {ResidentCollectedMb:F0} MB after the collection → {ResidentAfterMb:F0} MB after the native heaps' trim; in {Milliseconds:F0} ms")]
    private partial void LogTrimmed(long deactivated, double beforeMb, double afterMb, double residentBeforeMb, double residentCollectedMb, double residentAfterMb, double milliseconds);
}

/// <summary>The C library's native heaps (glibc's <c>malloc_trim</c>); nothing on a platform or C library without it.</summary>
public static class NativeHeap
{
    /// <summary>True if the C library was asked to trim (glibc on Linux).</summary>
    public static bool Trim()
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        try
        {
            MallocTrim(0);
            return true;
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            // Not glibc (musl has no malloc_trim): its heaps return memory on their own terms.
            return false;
        }
    }

    [DllImport("libc.so.6", EntryPoint = "malloc_trim")]
    private static extern int MallocTrim(nuint pad);
}
