using Finance.Api.Infrastructure.ReferenceData;
using Platform.Data.Migrations;

namespace Finance.Api.Infrastructure;

/// <summary>
/// Brings the database to the current schema and loads the documents' funding rates on first start. A hosted
/// service's StartAsync runs before Kestrel listens, so no request sees a database without rates.
/// </summary>
internal sealed class DatabaseInitializer(SqlMigrator migrator, FinanceStore store) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await migrator.ApplyAsync(SqlMigrator.FromEmbeddedResources(typeof(DatabaseInitializer).Assembly), cancellationToken);
        await store.SeedRatesAsync(ReferenceDataFiles.DocumentRates(ReferenceDataFiles.Directory), cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
