using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Platform.Data.Retention;

/// <summary>
/// Runs <see cref="RetentionCleanup.RunOnceAsync"/> after Retention:StartDelay and then every Retention:Interval.
/// Every wait and every statement takes the stopping token, so the host's stop ends it at once (a hosted service
/// that ignored it would hold the stop until the host's shutdown timeout, and Aspire's stop would time out).
/// </summary>
internal sealed class RetentionBackgroundService(RetentionCleanup cleanup, IOptions<RetentionOptions> options)
    : BackgroundService
{
    private readonly RetentionOptions _options = options.Value;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Off the host's start-up path even with no start delay.
        await Task.Yield();

        // The host may have been started inside some span (a test's, say); the deletes are no part of it.
        Activity.Current = null;

        try
        {
            await Task.Delay(_options.StartDelay, stoppingToken);
            while (true)
            {
                // Never throws for a failed table (that is logged, counted and retried next interval): see RunOnceAsync.
                await cleanup.RunOnceAsync(stoppingToken);
                await Task.Delay(_options.Interval, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }
}
