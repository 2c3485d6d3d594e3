using Kudos.Silo.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Xunit;

namespace Kudos.IntegrationTests;

/// <summary>
/// The dashboard's collection (Orleans' metrics every second) runs in a silo only when the dashboard is served, i.e. with
/// <c>Dashboard:Password</c>: without one nothing is mapped, so nothing is collected either.
/// </summary>
public sealed class DashboardWiringTests
{
    [Theory]
    [InlineData(null, false)]
    [InlineData("", false)]
    [InlineData("correct horse battery staple", true)]
    public void A_silo_collects_for_the_dashboard_only_when_the_dashboard_is_served(string? password, bool collects)
    {
        var builder = WebApplication.CreateBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Kudos"] = "Host=127.0.0.1;Database=kudos_wiring",
            ["Dashboard:Password"] = password,
        });

        builder.AddKudosSilo(out _);

        Assert.Equal(collects, builder.Services.Any(d => d.ServiceType.FullName == "Orleans.Dashboard.DashboardHost"));
    }
}
