using Platform.AppHost;

var builder = DistributedApplication.CreateBuilder(args);
builder.AddPlatform();
builder.Build().Run();
