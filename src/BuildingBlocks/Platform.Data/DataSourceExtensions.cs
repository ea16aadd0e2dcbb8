using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace Platform.Data;

public static class DataSourceExtensions
{
    /// <summary>
    /// Registers the service's one <see cref="NpgsqlDataSource"/> from <c>ConnectionStrings:{connectionName}</c> (the key an
    /// Aspire-style AppHost hands over) and a readiness check on it. Tracing comes from Npgsql's own ActivitySource,
    /// which ServiceDefaults subscribes to.
    /// </summary>
    public static IHostApplicationBuilder AddNpgsqlDataSource(this IHostApplicationBuilder builder, string connectionName)
    {
        var connectionString = builder.Configuration.GetConnectionString(connectionName)
            ?? throw new InvalidOperationException(
                $"ConnectionStrings:{connectionName} is not set. Run the platform through Platform.AppHost, or set ConnectionStrings__{connectionName}.");

        builder.Services.AddSingleton(_ => new NpgsqlDataSourceBuilder(connectionString)
        {
            Name = connectionName,
        }.Build());

        builder.Services.AddHealthChecks()
            .Add(new HealthCheckRegistration(connectionName, sp => new PostgresReadinessCheck(sp.GetRequiredService<NpgsqlDataSource>()),
                HealthStatus.Unhealthy, tags: null, TimeSpan.FromSeconds(5)));
        return builder;
    }
}
