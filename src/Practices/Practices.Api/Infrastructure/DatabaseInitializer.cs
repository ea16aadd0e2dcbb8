using Platform.Data.Migrations;
using Practices.Api.Infrastructure.Seeding;

namespace Practices.Api.Infrastructure;

/// <summary>
/// Brings the database to the current schema, then loads the documents' data on first start. A hosted service's
/// StartAsync runs before Kestrel listens, so no request ever sees a half-built registry.
/// </summary>
internal sealed class DatabaseInitializer(SqlMigrator migrator, SeedDataLoader seedData) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await migrator.ApplyAsync(SqlMigrator.FromEmbeddedResources(typeof(DatabaseInitializer).Assembly), cancellationToken);
        await seedData.LoadAsync(Path.Combine(AppContext.BaseDirectory, "SeedData"), cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
