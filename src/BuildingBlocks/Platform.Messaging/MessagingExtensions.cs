using MassTransit;
using MassTransit.Monitoring;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Npgsql;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Platform.Data.Migrations;
using Platform.Data.Retention;
using Platform.Messaging.Outbox;

namespace Platform.Messaging;

public static class MessagingExtensions
{
    /// <summary>Health-check tags on the bus check: readiness probes select "ready"; "messaging" isolates it.</summary>
    public static readonly IReadOnlyList<string> HealthCheckTags = ["ready", "messaging"];

    public const string HealthCheckName = "messaging-bus";

    /// <summary>
    /// MassTransit over RabbitMQ plus the transactional outbox. Expects an <c>NpgsqlDataSource</c> in DI (Platform.Data
    /// registers it) and the AMQP URI in <c>ConnectionStrings:{connectionName}</c>. Consumers are added in
    /// <paramref name="configureConsumers"/>; their queues are named "{service}-{consumer}" in kebab case, so each
    /// service gets its own copy of an event.
    /// </summary>
    public static IHostApplicationBuilder AddMessaging(
        this IHostApplicationBuilder builder,
        string connectionName = "messaging",
        Action<IBusRegistrationConfigurator>? configureConsumers = null)
    {
        ArgumentNullException.ThrowIfNull(builder);

        var brokerUri = WithPasswordFromFile(builder.Configuration.GetConnectionString(connectionName)
            ?? throw new InvalidOperationException($"Connection string '{connectionName}' (an AMQP URI) is not configured."),
            builder.Configuration[$"{MessagingOptions.SectionName}:{nameof(MessagingOptions.PasswordFile)}"]);

        builder.Services.AddOptions<MessagingOptions>().BindConfiguration(MessagingOptions.SectionName);
        var endpointPrefix = builder.Configuration[$"{MessagingOptions.SectionName}:{nameof(MessagingOptions.EndpointPrefix)}"]
            ?? ServiceName(builder);

        builder.Services.TryAddSingleton<IOutbox, PostgresOutbox>();

        // The outbox and inbox tables: created by the service's start-up step (PrepareDatabaseAsync), before any
        // hosted service starts, with the service's own migrations.
        builder.Services.AddMigrationScripts(typeof(MessagingExtensions).Assembly, MigrationScripts.BuildingBlockOrder);

        builder.Services.AddMassTransit(bus =>
        {
            bus.SetEndpointNameFormatter(new KebabCaseEndpointNameFormatter(Kebab(endpointPrefix), includeNamespace: false));

            configureConsumers?.Invoke(bus);

            // MassTransit 8.4+ reports anonymous usage to its vendor over the internet unless told not to. An NHS
            // system calls nothing it was not configured to call.
            bus.DisableUsageTelemetry();

            bus.ConfigureHealthCheckOptions(health =>
            {
                health.Name = HealthCheckName;
                health.MinimalFailureStatus = HealthStatus.Unhealthy;
                foreach (var tag in HealthCheckTags)
                {
                    health.Tags.Add(tag);
                }
            });

            bus.UsingRabbitMq((context, rabbit) =>
            {
                var options = context.GetRequiredService<IOptions<MessagingOptions>>().Value;

                rabbit.Host(brokerUri, host =>
                {
                    // MassTransit's default already, stated because the outbox's "sent" means "the broker confirmed".
                    host.PublisherConfirmation = true;
                    var credentials = Uri.UnescapeDataString(brokerUri.UserInfo).Split(':', 2);
                    if (credentials is [{ Length: > 0 } user, var password])
                    {
                        host.Username(user);
                        host.Password(password);
                    }
                });

                // Its bus endpoint (a temporary queue for responses) under the service's own prefix too, where its broker
                // user may read; MassTransit's default name starts with the machine's name.
                rabbit.OverrideDefaultBusEndpointQueueName($"{Kebab(endpointPrefix)}-bus-{NewId.NextGuid():N}");

                // Applies to every receive endpoint. A failing consumer is retried RetryLimit times; then MassTransit
                // moves the message to "<queue>_error", where nothing applies it again.
                rabbit.UseMessageRetry(retry =>
                {
                    retry.Exponential(options.RetryLimit, options.RetryMinInterval, options.RetryMaxInterval, options.RetryMinInterval);
                    retry.Ignore<NpgsqlException>(IsDatabaseUnavailable);
                });

                // A database that is down (restarting, failing over) is no fault of the message, and parking the
                // message would leave the consumer's state missing it for good. So it is retried for as long as the
                // outage lasts, holding its place in the queue (on an endpoint that takes one message at a time, later
                // events cannot overtake it).
                rabbit.UseMessageRetry(retry =>
                {
                    retry.Exponential(int.MaxValue, options.RetryMinInterval, options.RetryMaxInterval, options.RetryMinInterval);
                    retry.Handle<NpgsqlException>(IsDatabaseUnavailable);
                });

                rabbit.ConfigureEndpoints(context);
            });
        });

        builder.Services.AddHostedService<OutboxDispatcher>();

        // Dispatched outbox rows and inbox rows are kept for a window, then deleted in the background.
        builder.AddRetentionRule(MessagingRetention.Outbox);
        builder.AddRetentionRule(MessagingRetention.Inbox);

        // The spans of the outbox relay and MassTransit's send/consume spans, so a trace runs unbroken from the request
        // that wrote the row to the consumer; and MassTransit's metrics. These apply only where the host sets up
        // OpenTelemetry (ServiceDefaults does); without it they do nothing.
        builder.Services.ConfigureOpenTelemetryTracerProvider(tracing => tracing
            .AddSource(MessagingDiagnostics.ActivitySourceName, MessagingDiagnostics.MassTransitActivitySourceName));
        builder.Services.ConfigureOpenTelemetryMeterProvider(metrics => metrics
            .AddMeter(InstrumentationOptions.MeterName));

        builder.Services.AddSingleton(new BrokerReadinessCheck(brokerUri));
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(BrokerReadinessCheck.Name,
            services => services.GetRequiredService<BrokerReadinessCheck>(), HealthStatus.Unhealthy, HealthCheckTags));

        return builder;
    }

    /// <summary>
    /// The broker's URI with the password read from <paramref name="passwordFile"/> where one is named (the AppHost
    /// passes secrets as files, so they never show among a process's environment variables).
    /// </summary>
    private static Uri WithPasswordFromFile(string brokerUri, string? passwordFile)
    {
        var uri = new UriBuilder(brokerUri);
        if (string.IsNullOrEmpty(passwordFile)) return uri.Uri;
        uri.Password = Uri.EscapeDataString(File.ReadAllText(passwordFile).Trim());
        return uri.Uri;
    }

    // Npgsql's own judgement: lost connections, refused logins while the server starts or stops, and the like.
    private static bool IsDatabaseUnavailable(NpgsqlException exception) => exception.IsTransient;

    // The same name telemetry reports the service under, so queues and traces line up.
    private static string ServiceName(IHostApplicationBuilder builder) =>
        builder.Configuration["OTEL_SERVICE_NAME"] is { Length: > 0 } name ? name : builder.Environment.ApplicationName;

    // "Practices.Api" -> "practices-api": MassTransit's formatter keeps the prefix verbatim and adds a dash.
    private static string Kebab(string name) =>
        KebabCaseEndpointNameFormatter.Instance.SanitizeName(name.Replace('.', '-').Replace('_', '-'));
}
