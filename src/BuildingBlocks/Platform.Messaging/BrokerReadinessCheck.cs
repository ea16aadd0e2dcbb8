using Microsoft.Extensions.Diagnostics.HealthChecks;
using RabbitMQ.Client;

namespace Platform.Messaging;

/// <summary>
/// Ready only while the broker accepts AMQP connections. MassTransit's own check derives bus health from receive
/// endpoints, so a service that only publishes (the registry) looks healthy with its broker gone; and it reports a
/// lost broker as Degraded, which HTTP health maps to 200 and grpc.health.v1 to SERVING. Readiness includes the
/// broker, so this check holds one small connection of its own and reports Unhealthy whenever it is down.
/// </summary>
internal sealed class BrokerReadinessCheck(Uri brokerUri) : IHealthCheck, IAsyncDisposable
{
    public const string Name = "messaging-broker";
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(3);

    private readonly SemaphoreSlim _gate = new(1, 1);
    private IConnection? _connection;

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_connection is { IsOpen: true }) return HealthCheckResult.Healthy();

            if (_connection is not null) await _connection.DisposeAsync();
            _connection = null;
            var factory = new ConnectionFactory
            {
                Uri = brokerUri,
                ClientProvidedName = "readiness-check",
                // The check reconnects on its own schedule; recovery would keep a dead connection looking alive.
                AutomaticRecoveryEnabled = false,
                RequestedConnectionTimeout = ConnectTimeout,
            };
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(ConnectTimeout);
            _connection = await factory.CreateConnectionAsync(timeout.Token);
            return HealthCheckResult.Healthy();
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy($"The message broker at {brokerUri.Host}:{brokerUri.Port} does not accept connections.", e);
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_connection is not null) await _connection.DisposeAsync();
        _gate.Dispose();
    }
}
