using Platform.Data;
using Platform.Data.Idempotency;
using Platform.Data.Migrations;
using Platform.Data.Seeding;
using Platform.Messaging;
using Practices.Api.Application;
using Practices.Api.Grpc;
using Practices.Api.Infrastructure;
using Practices.Api.Infrastructure.Seeding;

namespace Practices.Api.Extensions;

public static class ApplicationServiceExtensions
{
    /// <summary>Everything the registry needs beyond the service defaults: its database, messaging, and its own parts.</summary>
    public static IHostApplicationBuilder AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddNpgsqlDataSource("practicesdb");

        // Its tables and the documents' data: made ready by Program's PrepareDatabaseAsync, before anything starts.
        builder.AddMigrations(typeof(ApplicationServiceExtensions).Assembly);
        builder.AddSeedData<RegistrySeedData>();

        builder.AddMessaging();

        builder.Services.AddSingleton(TimeProvider.System);
        builder.AddIdempotentWrites();
        builder.Services.AddSingleton<RegistryStore>();
        builder.Services.AddSingleton<RegistryQueries>();
        builder.Services.AddSingleton<RegistryCommands>();
        builder.Services.AddSingleton<RequestParsing>();
        return builder;
    }

    public static WebApplication MapApplicationEndpoints(this WebApplication app)
    {
        app.MapGrpcService<PracticeRegistryService>();
        return app;
    }
}
