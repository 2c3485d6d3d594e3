using Kudos.Api.Http;
using Kudos.Grains;
using Xunit;

namespace Kudos.UnitTests;

public sealed class InstantsTests
{
    [Theory]
    [InlineData("2026-12-24T18:00:00")]
    [InlineData("2026-12-24 18:00:00+01:00")]
    [InlineData("2026-12-24")]
    [InlineData("tomorrow")]
    [InlineData("")]
    [InlineData("2026-13-24T18:00:00Z")]
    public void A_time_without_an_offset_or_not_iso_is_refused(string value)
    {
        var error = Assert.Throws<KudosException>(() => Instants.ParseOptional(value, "deliverAt"));
        Assert.Equal("deliverAt", error.Field);
        Assert.Contains("offset", error.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2026-12-24T18:00:00+01:00", "2026-12-24T17:00:00Z")]
    [InlineData("2026-12-24T17:00:00Z", "2026-12-24T17:00:00Z")]
    [InlineData("2026-12-24T12:00-05:00", "2026-12-24T17:00:00Z")]
    [InlineData("2026-12-24T17:00:00.123Z", "2026-12-24T17:00:00.123Z")]
    public void Instants_with_an_offset_become_utc(string value, string expectedUtc)
    {
        var parsed = Instants.ParseOptional(value, "deliverAt");
        Assert.Equal(DateTimeOffset.Parse(expectedUtc, System.Globalization.CultureInfo.InvariantCulture), parsed);
        Assert.Equal(TimeSpan.Zero, parsed!.Value.Offset);
    }

    [Fact]
    public void No_value_means_no_instant() => Assert.Null(Instants.ParseOptional(null, "deliverAt"));
}
