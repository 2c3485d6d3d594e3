using Kudos.Grains;
using Kudos.Silo.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Orleans.Runtime.Diagnostics;
using Xunit;

namespace Kudos.IntegrationTests;

/// <summary>
/// The silo's memory trim: one collection once enough activations were deactivated and the wave has slowed, then
/// counting afresh.
/// </summary>
public sealed class MemoryTrimTests
{
    [Fact]
    public void Collects_once_the_deactivations_reach_the_threshold_then_counts_afresh()
    {
        var collections = 0;
        var trim = Trim(threshold: 3, () => collections++);

        Deactivate(trim, 2);
        Assert.False(trim.TrimIfDue());
        Assert.Equal(0, collections);

        Deactivate(trim, 1);
        Assert.True(trim.TrimIfDue());
        Assert.Equal(1, collections);
        Assert.Equal(0, trim.Pending);

        // Nothing deactivated since: no second collection.
        Assert.False(trim.TrimIfDue());
        Assert.Equal(1, collections);
    }

    [Fact]
    public void A_wave_of_deactivations_is_trimmed_once_it_slows_down()
    {
        var collections = 0;
        var trim = Trim(threshold: 3, () => collections++);

        // 5, then 4 in a check period: the wave goes on, the heap is still full of live activations.
        Deactivate(trim, 5);
        Assert.False(trim.TrimIfDue());
        Deactivate(trim, 4);
        Assert.False(trim.TrimIfDue());
        Assert.Equal(9, trim.Pending);

        // 2 in the last period: fewer than the threshold, so the wave has slowed and everything counted is trimmed.
        Deactivate(trim, 2);
        Assert.True(trim.TrimIfDue());
        Assert.Equal(1, collections);
        Assert.Equal(0, trim.Pending);
    }

    [Fact]
    public void Activations_and_other_lifecycle_events_do_not_count_and_zero_turns_it_off()
    {
        var collections = 0;
        var counting = Trim(threshold: 1, () => collections++);
        counting.OnNext(new GrainLifecycleEvents.Activated(null!));
        counting.OnNext(new GrainLifecycleEvents.Deactivating(null!, default));
        Assert.False(counting.TrimIfDue());

        var off = Trim(threshold: 0, () => collections++);
        Deactivate(off, 10);
        Assert.False(off.TrimIfDue());
        Assert.Equal(0, collections);
    }

    [Fact]
    public void The_native_heaps_are_trimmed_after_the_collection()
    {
        var steps = new List<string>();
        var trim = new MemoryTrim(Options.Create(new KudosOptions { MemoryTrimAfterDeactivations = 1 }), new FakeTimeProvider(), NullLogger<MemoryTrim>.Instance)
        {
            Collect = () => steps.Add("collect"),
            TrimNative = () => steps.Add("native"),
        };

        Deactivate(trim, 1);
        Assert.False(trim.TrimIfDue());
        Assert.True(trim.TrimIfDue());
        Assert.Equal(["collect", "native"], steps);
    }

    [Fact]
    public void The_product_trim_runs_here()
    {
        // The real steps (an aggressive collection, glibc's malloc_trim) on this machine: neither throws, and the
        // managed heap is no larger afterwards than what this test still holds plus what the runtime keeps.
        var trim = new MemoryTrim(Options.Create(new KudosOptions { MemoryTrimAfterDeactivations = 1 }), new FakeTimeProvider(), NullLogger<MemoryTrim>.Instance);
        var garbage = Enumerable.Range(0, 10_000).Select(i => new byte[1_000]).ToList();
        var withGarbage = GC.GetTotalMemory(forceFullCollection: false);
        garbage.Clear();

        Deactivate(trim, 1);
        Assert.False(trim.TrimIfDue());
        Assert.True(trim.TrimIfDue());
        Assert.True(GC.GetTotalMemory(forceFullCollection: false) < withGarbage - 5_000_000, $"{withGarbage} before");

        // Debian's C library is glibc: the native trim is not skipped here.
        Assert.True(NativeHeap.Trim());
    }

    private static MemoryTrim Trim(int threshold, Action collect) =>
        new(Options.Create(new KudosOptions { MemoryTrimAfterDeactivations = threshold }), new FakeTimeProvider(), NullLogger<MemoryTrim>.Instance)
        {
            Collect = collect,
            TrimNative = () => { },
        };

    private static void Deactivate(MemoryTrim trim, int count)
    {
        for (var i = 0; i < count; i++)
        {
            trim.OnNext(new GrainLifecycleEvents.Deactivated(null!, default));
        }
    }
}
