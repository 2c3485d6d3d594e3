using Kudos.Database;
using Kudos.ServiceDefaults.Dashboard;
using Kudos.ServiceDefaults.Health;
using Kudos.ServiceDefaults.Observability;
using Kudos.Silo.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddKudosSilo(out var connectionString);
var app = builder.Build();

if (app.Configuration.GetValue(SiloHostOptions.Section + ":" + nameof(SiloHostOptions.MigrateDatabase), true))
{
    // Idempotent and serialised by an advisory lock: several silos may start at once.
    await SchemaMigrator.MigrateAsync(connectionString, app.Lifetime.ApplicationStopping);
}

app.MapKudosHealth();
app.MapKudosMetrics();
app.MapKudosDashboard();
await app.RunAsync();
