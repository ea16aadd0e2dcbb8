using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using System.Diagnostics;
using Npgsql;
using Platform.Data.Migrations;

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

        // A stalled database must not hold a call for as long as it stalls: each connection attempt and each command
        // gets a bounded wait, after which the call fails as UNAVAILABLE (Npgsql's timeouts are transient errors) and
        // the caller can retry. A caller's own deadline or cancellation ends the command sooner.
        var timeouts = builder.Configuration.GetSection("Database");
        var connectTimeout = timeouts.GetValue("ConnectTimeout", TimeSpan.FromSeconds(5));
        var commandTimeout = timeouts.GetValue("CommandTimeout", TimeSpan.FromSeconds(5));
        // Waiting for another write's lock is contention, not a stalled database: it ends before the command timeout,
        // as PostgreSQL's lock_not_available, which callers get as ABORTED (retry), not UNAVAILABLE.
        var lockTimeout = timeouts.GetValue("LockTimeout", commandTimeout / 2);

        builder.Services.AddSingleton(_ =>
        {
            var dataSource = new NpgsqlDataSourceBuilder(connectionString) { Name = connectionName };
            dataSource.ConnectionStringBuilder.Timeout = WholeSeconds(connectTimeout);
            dataSource.ConnectionStringBuilder.CommandTimeout = WholeSeconds(commandTimeout);
            dataSource.ConnectionStringBuilder.Options = $"-c lock_timeout={(int)lockTimeout.TotalMilliseconds}";
            // A service sends the same few statements again and again. Sampled under sustained writes, PostgreSQL spent
            // about as long parsing and planning them as running them. Npgsql prepares a statement on a connection
            // once it has been sent there a few times (AutoPrepareMinUsages, 5), and keeps it while the pooled
            // connection lives, so later sends skip the parse and, once PostgreSQL settles on a generic plan, the plan.
            dataSource.ConnectionStringBuilder.MaxAutoPrepare = timeouts.GetValue("MaxAutoPrepare", 100);
            // Trace a command only inside a trace that is already under way (a request, a relay, a consumer). Background
            // polls — the outbox dispatcher, readiness probes — would otherwise start a root trace each, every second,
            // burying the requests an SRE is looking for. Physical connection opens cannot be filtered that way and are
            // mostly the pool warming up, so they are not traced.
            dataSource.ConfigureTracing(tracing => tracing
                .EnablePhysicalOpenTracing(false)
                .ConfigureCommandFilter(_ => Activity.Current is not null)
                .ConfigureBatchFilter(_ => Activity.Current is not null)
                .ConfigureCommandSpanNameProvider(command => SpanName(command.CommandText))
                .ConfigureBatchSpanNameProvider(batch => $"BATCH {batch.BatchCommands.Count}"));
            return dataSource.Build();
        });

        // The start-up step's migrations and seeds log in as the schema's owner where one is named.
        if (builder.Configuration[MigrationDataSource.UsernameSetting] is { Length: > 0 } owner)
        {
            builder.Services.Replace(ServiceDescriptor.Singleton(_ => MigrationDataSource.As(connectionString, owner)));
        }

        builder.Services.AddHealthChecks()
            .Add(new HealthCheckRegistration(connectionName, sp => new PostgresReadinessCheck(sp.GetRequiredService<NpgsqlDataSource>()),
                HealthStatus.Unhealthy, tags: null, TimeSpan.FromSeconds(5)));
        return builder;
    }

    // Npgsql counts its timeouts in whole seconds; 0 would mean "wait for ever".
    private static int WholeSeconds(TimeSpan timeout) => Math.Max(1, (int)Math.Ceiling(timeout.TotalSeconds));

    /// <summary>"SELECT", "UPDATE", ...: the statement's verb, so a trace's database spans say what they did.</summary>
    private static string SpanName(string sql)
    {
        var verb = sql.AsSpan().TrimStart();
        var end = verb.IndexOfAny(" \n\r\t(");
        return (end < 0 ? verb : verb[..end]).ToString().ToUpperInvariant();
    }
}
