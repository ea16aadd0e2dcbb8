using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Platform.Data.Seeding;

namespace Platform.Data.Migrations;

/// <summary>
/// The one start-up step that makes a service's database ready: every migration (the building blocks' and the
/// service's), then every seed, under one advisory lock, so that a second instance starting at the same time waits
/// and then finds nothing to do. It runs before the host starts (<see cref="DatabasePreparationExtensions.PrepareDatabaseAsync"/>),
/// so no hosted service — outbox relay, consumers, bootstrap, retention — and no request ever sees a missing table,
/// whatever order they were registered in.
/// </summary>
public sealed partial class DatabasePreparation(
    MigrationDataSource migrationDataSource, DatabaseMigrator migrator, SeedDataLoader seedData, ILogger<DatabasePreparation> logger)
{
    // The key SqlMigrator used for its transaction lock, so an instance of the previous version starting alongside
    // waits too. Advisory locks are per database: services with their own databases never wait for each other.
    private const long MigrationLockKey = 0x4C4C52_4D4947; // "LLR" "MIG"

    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(2);

    public async Task PrepareAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                await PrepareOnceAsync(cancellationToken);
                return;
            }
            catch (NpgsqlException exception) when (exception.IsTransient && !cancellationToken.IsCancellationRequested)
            {
                // The database may still be starting; nothing has changed (each step commits whole or not at all).
                LogDatabaseUnavailable(exception, RetryDelay);
                await Task.Delay(RetryDelay, cancellationToken);
            }
        }
    }

    private async Task PrepareOnceAsync(CancellationToken cancellationToken)
    {
        // A session lock on a connection of its own, held across the migration's and the seeds' transactions.
        await using var lockConnection = await migrationDataSource.DataSource.OpenConnectionAsync(cancellationToken);
        await using (var take = new NpgsqlCommand($"SELECT pg_advisory_lock({MigrationLockKey})", lockConnection))
        {
            take.CommandTimeout = 0; // waits for as long as another instance's migration takes
            await take.ExecuteNonQueryAsync(cancellationToken);
        }

        try
        {
            await migrator.MigrateAsync(cancellationToken);
            await seedData.LoadAllAsync(cancellationToken);
        }
        finally
        {
            // Closing the connection would release it too; unlocking returns the connection to the pool clean.
            await using var release = new NpgsqlCommand($"SELECT pg_advisory_unlock({MigrationLockKey})", lockConnection);
            await release.ExecuteNonQueryAsync(CancellationToken.None);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Database not reachable to prepare it; retrying in {Delay}")]
    private partial void LogDatabaseUnavailable(Exception exception, TimeSpan delay);
}

public static class DatabasePreparationExtensions
{
    /// <summary>
    /// The service's own migration scripts: the .sql files embedded in <paramref name="assembly"/>. Platform.Data's
    /// scripts (request idempotency, seed loads) always run first; building blocks add theirs with
    /// <see cref="AddMigrationScripts"/>.
    /// </summary>
    public static IHostApplicationBuilder AddMigrations(this IHostApplicationBuilder builder, Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddMigrationScripts(assembly, MigrationScripts.ServiceOrder);
        return builder;
    }

    /// <summary>Scripts embedded in <paramref name="assembly"/>, run by <see cref="PrepareDatabaseAsync"/> in <paramref name="runGroupOrder"/>.</summary>
    public static IServiceCollection AddMigrationScripts(this IServiceCollection services, Assembly assembly, int runGroupOrder)
    {
        ArgumentNullException.ThrowIfNull(services);
        var scripts = new MigrationScripts(assembly, runGroupOrder);
        if (!services.Any(service => !service.IsKeyedService && Equals(service.ImplementationInstance, scripts))) services.AddSingleton(scripts);
        services.TryAddSingleton(services => MigrationDataSource.SameAs(services.GetRequiredService<NpgsqlDataSource>()));
        services.TryAddSingleton<DatabaseMigrator>();
        services.TryAddSingleton<SeedDataLoader>();
        services.TryAddSingleton<DatabasePreparation>();
        return services;
    }

    /// <summary>
    /// Migrates the database, then loads the seed data: call it after Build and before Run, so it completes before
    /// any hosted service starts or any request is served. Fails the start if a migration fails.
    /// </summary>
    public static Task PrepareDatabaseAsync(this IHost host, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(host);
        return host.Services.GetRequiredService<DatabasePreparation>().PrepareAsync(cancellationToken);
    }
}
