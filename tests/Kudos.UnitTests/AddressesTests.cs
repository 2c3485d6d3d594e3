using Kudos.Grains;
using Kudos.Grains.Boards;
using Kudos.Grains.Email;
using Xunit;

namespace Kudos.UnitTests;

/// <summary>The one address rule: board input and suppressions accept and refuse the same addresses.</summary>
public sealed class AddressesTests
{
    [Theory]
    [InlineData("ada@example.com", "ada@example.com")]
    [InlineData("  Ada.Lovelace+kudos@Example.co.uk ", "Ada.Lovelace+kudos@Example.co.uk")]
    public void A_plain_address_is_accepted_in_trimmed_form(string input, string expected)
    {
        Assert.True(Addresses.TryParse(input, out var address));
        Assert.Equal(expected, address);
        Assert.Equal(expected, InputRules.Email(input, "ownerEmail"));
        Assert.Equal(expected.ToLowerInvariant(), Addresses.NormalizeValid(input, "address"));
    }

    [Theory]
    [InlineData("Ada <ada@example.com>")]
    [InlineData("ada@localhost")]
    [InlineData("ada example@example.com")]
    [InlineData("ada@example.com\r\nBcc: eve@example.com")]
    [InlineData("@example.com")]
    [InlineData("ada@")]
    [InlineData("ada@example.com.")]
    [InlineData("ada@example.com, bob@example.com")]
    [InlineData("not an address")]
    public void Anything_but_a_single_plain_address_is_refused_by_both_callers(string input)
    {
        Assert.False(Addresses.TryParse(input, out _));
        Assert.Equal("ownerEmail", Assert.Throws<KudosException>(() => InputRules.Email(input, "ownerEmail")).Field);
        Assert.Equal("address", Assert.Throws<KudosException>(() => Addresses.NormalizeValid(input, "address")).Field);
    }

    [Fact]
    public void The_length_limit_is_the_same_for_both_callers()
    {
        var longest = new string('a', Addresses.MaxLength - "@example.com".Length) + "@example.com";
        Assert.True(Addresses.TryParse(longest, out _));
        Assert.False(Addresses.TryParse("a" + longest, out _));
        Assert.Throws<KudosException>(() => InputRules.Email("a" + longest, "recipientEmail"));
        Assert.Equal(Addresses.MaxLength, BoardLimits.MaxEmailLength);
    }
}
