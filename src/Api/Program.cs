using Kudos.Api.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddKudosApi();

var app = builder.Build();
app.MapKudosApi();
await app.RunAsync();

/// <summary>Entry point, visible to the functional tests.</summary>
public partial class Program;
