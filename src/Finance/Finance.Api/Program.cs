using Finance.Api.Extensions;
using Platform.Data.Migrations;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();

// Migrations, then seed data: done before Run starts any hosted service or serves any request.
await app.PrepareDatabaseAsync();

app.MapDefaultEndpoints();
app.MapApplicationEndpoints();

app.Run();
