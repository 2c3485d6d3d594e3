using Kudos.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;

namespace Kudos.EndToEndTests.Infrastructure;

/// <summary>An Orleans client of the stack's cluster, found through the same PostgreSQL membership table the API uses.</summary>
public sealed class GrainClient : IAsyncDisposable
{
    private readonly IHost _host;

    private GrainClient(IHost host) => _host = host;

    public IClusterClient Client => _host.Services.GetRequiredService<IClusterClient>();

    public static async Task<GrainClient> ConnectAsync(KudosStack stack, CancellationToken ct)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(options =>
            {
                options.ClusterId = stack.ClusterId;
                options.ServiceId = stack.ServiceId;
            });
            client.UseAdoNetClustering(options =>
            {
                options.Invariant = "Npgsql";
                options.ConnectionString = stack.ConnectionString;
            });
        });
        var host = builder.Build();
        await host.StartAsync(ct);
        return new GrainClient(host);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }
}
