using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Platform.Messaging;

/// <summary>
/// Creates the messaging schema during host start-up. Registered ahead of MassTransit's hosted service, so no
/// consumer runs and no row is relayed before the tables exist; it waits out a database that is still starting.
/// </summary>
internal sealed partial class MessagingSchemaInitializer(NpgsqlDataSource dataSource, ILogger<MessagingSchemaInitializer> logger)
    : IHostedService
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(2);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                await MessagingSchema.EnsureCreatedAsync(dataSource, cancellationToken);
                return;
            }
            catch (NpgsqlException exception) when (exception.IsTransient && !cancellationToken.IsCancellationRequested)
            {
                LogDatabaseUnavailable(exception, RetryDelay);
                await Task.Delay(RetryDelay, cancellationToken);
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Database not reachable for the messaging schema; retrying in {Delay}")]
    private partial void LogDatabaseUnavailable(Exception exception, TimeSpan delay);
}
