using Platform.AppHost;
using Platform.AppHost.Hosting;

var builder = DistributedApplication.CreateBuilder(args);
builder.AddPlatform();
await builder.Build().RunAsync();
