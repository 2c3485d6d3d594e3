using Kudos.Database;
using Kudos.Silo.Dashboard;
using Kudos.Silo.Health;
using Kudos.Silo.Hosting;
using Kudos.Silo.Observability;

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
