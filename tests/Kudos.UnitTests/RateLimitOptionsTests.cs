using System.Net;
using Kudos.Api.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Xunit;

namespace Kudos.UnitTests;

public sealed class RateLimitOptionsTests
{
    private static ServiceProvider Services(params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value)))
            .Build();
        return new ServiceCollection().AddKudosRateLimits(configuration).BuildServiceProvider();
    }

    [Fact]
    public void Unauthenticated_board_creation_defaults_to_at_least_30_and_well_under_100_a_minute()
    {
        using var services = Services();
        var limits = services.GetRequiredService<IOptions<RateLimitOptions>>().Value;
        Assert.InRange(limits.CreateBoard.PermitsPerMinute, 30, 60);
        Assert.True(limits.CreateBoard.PermitsPerMinute < limits.AddCard.PermitsPerMinute, "Routes without a credential are the strictest.");
    }

    [Fact]
    public void A_configured_limit_replaces_the_default()
    {
        using var services = Services(("RateLimits:Invite:PermitsPerMinute", "7"));
        Assert.Equal(7, services.GetRequiredService<IOptions<RateLimitOptions>>().Value.Invite.PermitsPerMinute);
    }

    [Theory]
    [InlineData("RateLimits:CreateBoard:PermitsPerMinute", "0")]
    [InlineData("RateLimits:Webhook:PermitsPerMinute", "-5")]
    [InlineData("RateLimits:Unsubscribe:PermitsPerMinute", "2000000")]
    [InlineData("RateLimits:AddCard:PermitsPerMinute", "many")]
    public void An_invalid_limit_stops_the_start_naming_its_key(string key, string value)
    {
        using var services = Services((key, value));
        // OptionsValidationException for a value out of range, the binder's InvalidOperationException for one that is no number.
        var error = Assert.ThrowsAny<Exception>(() => services.GetRequiredService<IOptions<RateLimitOptions>>().Value);
        Assert.Contains(key, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void No_proxy_is_trusted_unless_configured_not_even_loopback()
    {
        using var services = Services();
        var options = services.GetRequiredService<IOptions<ForwardedHeadersOptions>>().Value;
        Assert.Empty(options.KnownProxies);
        Assert.Empty(options.KnownIPNetworks);
    }

    [Fact]
    public void Configured_proxies_and_networks_are_the_only_ones_trusted()
    {
        using var services = Services(("ForwardedHeaders:KnownProxies:0", "10.0.0.5"), ("ForwardedHeaders:KnownNetworks:0", "10.1.0.0/16"));
        var options = services.GetRequiredService<IOptions<ForwardedHeadersOptions>>().Value;
        Assert.Equal([IPAddress.Parse("10.0.0.5")], options.KnownProxies);
        Assert.Equal([System.Net.IPNetwork.Parse("10.1.0.0/16")], options.KnownIPNetworks);
    }

    [Theory]
    [InlineData("ForwardedHeaders:KnownProxies:0", "10.0.0.300")]
    [InlineData("ForwardedHeaders:KnownNetworks:0", "10.0.0.0/40")]
    public void A_malformed_proxy_entry_stops_the_start_naming_its_key(string key, string value)
    {
        using var services = Services((key, value));
        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<ForwardedHeadersOptions>>().Value);
        Assert.Contains(key[..key.LastIndexOf(':')], error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("203.0.113.7", "203.0.113.7")]
    [InlineData("::ffff:203.0.113.7", "203.0.113.7")]
    [InlineData("::1", "::1")]
    [InlineData("2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::/64")]
    [InlineData("2001:db8:1:2::99", "2001:db8:1:2::/64")]
    public void Clients_are_counted_by_address_and_ipv6_clients_by_their_64_prefix(string remote, string partition)
    {
        var context = new DefaultHttpContext { Connection = { RemoteIpAddress = IPAddress.Parse(remote) } };
        Assert.Equal(partition, RateLimits.ClientAddress(context));
    }
}
