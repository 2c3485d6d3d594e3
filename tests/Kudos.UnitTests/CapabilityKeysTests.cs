using Kudos.Grains.Security;
using Xunit;

namespace Kudos.UnitTests;

public sealed class CapabilityKeysTests
{
    [Fact]
    public void Keys_are_256_bit_base64url_and_distinct()
    {
        var keys = Enumerable.Range(0, 100).Select(_ => CapabilityKeys.New()).ToList();
        Assert.All(keys, k => Assert.Matches("^[A-Za-z0-9_-]{43}$", k));
        Assert.Equal(keys.Count, keys.Distinct().Count());
    }

    [Fact]
    public void Only_the_right_key_matches_its_hash()
    {
        var key = CapabilityKeys.New();
        var hash = CapabilityKeys.Hash(key);
        Assert.NotEqual(key, hash);
        Assert.True(CapabilityKeys.Matches(key, hash));
        Assert.False(CapabilityKeys.Matches(CapabilityKeys.New(), hash));
        Assert.False(CapabilityKeys.Matches(key[..^1], hash));
        Assert.False(CapabilityKeys.Matches("", hash));
        Assert.False(CapabilityKeys.Matches(null, hash));
        Assert.False(CapabilityKeys.Matches(key, null));
        Assert.False(CapabilityKeys.Matches(key, "not-a-hash"));
        Assert.False(CapabilityKeys.Matches(new string('a', CapabilityKeys.MaxKeyLength + 1), hash));
    }
}
