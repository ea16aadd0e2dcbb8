using Finance.Api.Application;
using Finance.Api.Grpc;
using Finance.Api.Infrastructure;
using Finance.Api.Infrastructure.ReferenceData;
using MassTransit;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Platform.Data;
using Platform.Data.Idempotency;
using Platform.Data.Migrations;
using Platform.Data.Seeding;
using Platform.Messaging;
using RegistryClient = Llr.Practices.V1.PracticeRegistryService.PracticeRegistryServiceClient;

namespace Finance.Api.Extensions;

public static class ApplicationServiceExtensions
{
    /// <summary>Everything Finance needs beyond the service defaults: its database, the registry's events and API, and its own parts.</summary>
    public static IHostApplicationBuilder AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddNpgsqlDataSource("financedb");

        // Its tables and the documents' funding rates: made ready by Program's PrepareDatabaseAsync, before anything starts.
        builder.AddMigrations(typeof(ApplicationServiceExtensions).Assembly);
        builder.AddSeedData<FundingRatesSeedData>();
        builder.Services.AddSingleton<FinanceStore>();
        builder.Services.AddSingleton<ClosedYearStore>();

        // The registry's events share one queue. Each carries the affected PCNs' versions, and a timeline applies
        // only where no newer version stands (RegistryEventApplier), under a lock per PCN taken in id order, so they
        // may be applied several at once, in any order: PostgreSQL then syncs their commits together.
        builder.AddMessaging(configureConsumers: bus =>
        {
            bus.AddConsumer<PracticeTransferredConsumer>().Endpoint(RegistryEvents);
            bus.AddConsumer<ListSizeRecordedConsumer>().Endpoint(RegistryEvents);
            bus.AddConsumer<PracticesMergedConsumer>().Endpoint(RegistryEvents);
        });

        // The registry, found by service discovery: "_grpc.practices" is its endpoint named "grpc".
        // It calls as its own client of the token service, which may only read the registry.
        builder.Services.AddGrpcClient<RegistryClient>(client => client.Address = new Uri("http://_grpc.practices"))
            .AddClientCredentials(builder, "practices.read");
        builder.Services.AddSingleton<PopulationCopyReadiness>();
        builder.Services.AddHostedService<RegistryBootstrap>();
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration("population-copy",
            services => services.GetRequiredService<PopulationCopyReadiness>(), HealthStatus.Unhealthy, ["ready"]));

        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(_ => ReferenceDataFiles.Load(ReferenceDataFiles.Directory));
        builder.Services.AddSingleton(services => new RequestParsing(services.GetRequiredService<FinanceReferenceData>().Years));
        builder.AddIdempotentWrites();
        builder.Services.AddSingleton<FinanceQueries>();
        builder.Services.AddSingleton<ClosedYears>();
        builder.Services.AddSingleton<FinanceCommands>();
        builder.Services.AddSingleton<RegistryEventApplier>();
        return builder;
    }

    private static void RegistryEvents(IEndpointRegistrationConfigurator endpoint)
    {
        endpoint.Name = "finance-registry-events";
        endpoint.ConcurrentMessageLimit = 8;
    }

    public static WebApplication MapApplicationEndpoints(this WebApplication app)
    {
        app.MapGrpcService<FinanceService>();
        return app;
    }
}
