using Kudos.Api.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddKudosApi();

var app = builder.Build();
app.MapKudosApi();
await app.RunAsync();
