using Kudos.Grains.Email;

namespace Kudos.SiloTests;

/// <summary>
/// Makes the <c>n</c>-th <see cref="IEmailDispatchGrain.EnqueueAsync"/> after <see cref="FailCall"/> fail, as a dispatch
/// grain whose silo died or whose database blipped would; every other call goes through.
/// </summary>
public sealed class EnqueueFaults : IIncomingGrainCallFilter
{
    private int _calls;
    private int _failAt = -1;

    /// <summary>The <paramref name="n"/>-th enqueue from now on (1-based) fails once.</summary>
    public void FailCall(int n)
    {
        Interlocked.Exchange(ref _calls, 0);
        Interlocked.Exchange(ref _failAt, n);
    }

    public Task Invoke(IIncomingGrainCallContext context)
    {
        if (context.InterfaceMethod?.Name == nameof(IEmailDispatchGrain.EnqueueAsync)
            && Interlocked.Increment(ref _calls) == Volatile.Read(ref _failAt))
        {
            Interlocked.Exchange(ref _failAt, -1);
            throw new TimeoutException("Injected: the dispatch grain did not answer.");
        }

        return context.Invoke();
    }
}
