using Kudos.Grains.Email;
using Xunit;

namespace Kudos.UnitTests;

public sealed class RetryPolicyTests
{
    [Fact]
    public void Delays_grow_by_the_factor_up_to_the_cap()
    {
        var policy = new RetryPolicy { BaseDelay = TimeSpan.FromSeconds(10), Factor = 3, MaxDelay = TimeSpan.FromMinutes(5), Jitter = 0 };
        Assert.Equal(TimeSpan.FromSeconds(10), policy.DelayAfter(1, 0.5));
        Assert.Equal(TimeSpan.FromSeconds(30), policy.DelayAfter(2, 0.5));
        Assert.Equal(TimeSpan.FromSeconds(90), policy.DelayAfter(3, 0.5));
        Assert.Equal(TimeSpan.FromMinutes(5), policy.DelayAfter(10, 0.5));
    }

    [Theory]
    [InlineData(0.0, 8_000)]
    [InlineData(0.5, 10_000)]
    [InlineData(0.999999, 12_000)]
    public void Jitter_stays_within_its_bound(double random, double expectedMs)
    {
        var policy = new RetryPolicy { BaseDelay = TimeSpan.FromSeconds(10), Jitter = 0.2 };
        Assert.Equal(expectedMs, policy.DelayAfter(1, random).TotalMilliseconds, precision: 0);
    }
}
