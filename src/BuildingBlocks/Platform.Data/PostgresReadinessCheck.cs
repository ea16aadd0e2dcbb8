using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace Platform.Data;

/// <summary>Ready when the database answers a trivial query.</summary>
internal sealed class PostgresReadinessCheck(NpgsqlDataSource dataSource) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var command = dataSource.CreateCommand("SELECT 1");
            await command.ExecuteScalarAsync(cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            // Npgsql does not test a pooled connection before handing it out, and a server that restarted has closed
            // every idle one: left in the pool, each would fail one request after the server is back. Dropping them
            // while it is away (the orchestrator polls this throughout) means the first requests afterwards succeed.
            dataSource.Clear();
            return HealthCheckResult.Unhealthy("PostgreSQL did not answer.", e);
        }
    }
}
