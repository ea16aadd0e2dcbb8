using Identity.Api.Extensions;
using Platform.Data.Migrations;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();

// Migrations, then the signing keys and the configured clients: all done before any request is served.
await app.PrepareDatabaseAsync();
await app.PrepareTokenServiceAsync();

app.MapDefaultEndpoints();
app.MapApplicationEndpoints();

app.Run();
