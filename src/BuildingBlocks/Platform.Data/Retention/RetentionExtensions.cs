using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Metrics;

namespace Platform.Data.Retention;

public static class RetentionExtensions
{
    /// <summary>
    /// Has the service's retention cleanup trim <paramref name="rule"/>'s table. The first rule also registers the
    /// cleanup, its one background service, its options (section "Retention") and its meter; a rule for a table
    /// already registered is ignored, so the blocks that bring tables (AddMessaging, AddIdempotentWrites) can each
    /// add theirs without knowing about the others. Expects an <c>NpgsqlDataSource</c> in DI.
    /// </summary>
    public static IHostApplicationBuilder AddRetentionRule(this IHostApplicationBuilder builder, RetentionRule rule)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(rule);

        var services = builder.Services;
        if (services.Any(d => d.ImplementationInstance is RetentionRule known && known.Table == rule.Table))
        {
            return builder;
        }

        var first = !services.Any(d => d.ImplementationInstance is RetentionRule);
        services.AddSingleton(rule);
        if (!first)
        {
            return builder;
        }

        services.AddOptions<RetentionOptions>()
            .BindConfiguration(RetentionOptions.SectionName)
            .Validate(o => o.BatchSize > 0, "Retention:BatchSize must be at least 1.")
            .Validate(o => o.BatchPause >= TimeSpan.Zero, "Retention:BatchPause must not be negative.")
            .Validate(o => o.Interval > TimeSpan.Zero, "Retention:Interval must be positive.")
            .Validate(o => o.StartDelay >= TimeSpan.Zero, "Retention:StartDelay must not be negative.")
            .ValidateOnStart();
        services.AddSingleton<RetentionCleanup>();
        services.AddHostedService<RetentionBackgroundService>();

        // Applies only where the host sets up OpenTelemetry (ServiceDefaults does); without it, it does nothing.
        services.ConfigureOpenTelemetryMeterProvider(metrics => metrics.AddMeter(RetentionDiagnostics.MeterName));
        return builder;
    }
}
