using Practices.Api.Extensions;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapApplicationEndpoints();

app.Run();

/// <summary>Visible to the service tests, which host the real app on Kestrel.</summary>
public partial class Program;
