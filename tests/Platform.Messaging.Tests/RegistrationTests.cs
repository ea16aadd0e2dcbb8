using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Npgsql;
using Shouldly;

namespace Platform.Messaging.Tests;

/// <summary>What AddMessaging wires up, checked without starting anything.</summary>
public sealed class RegistrationTests
{
    [Theory]
    [InlineData("Practices.Api", null, "practices-api-ordered")]
    [InlineData("Practices.Api", "appointments", "appointments-ordered")]
    public void Queues_are_prefixed_with_the_service_name(string applicationName, string? otelServiceName, string expectedQueue)
    {
        using var host = Build(applicationName, otelServiceName);

        host.Services.GetRequiredService<IEndpointNameFormatter>().Consumer<OrderedConsumer>().ShouldBe(expectedQueue);
    }

    [Fact]
    public void Bus_health_check_counts_for_readiness()
    {
        using var host = Build("Practices.Api", null);

        var registration = host.Services.GetRequiredService<IOptions<HealthCheckServiceOptions>>().Value.Registrations
            .Single(r => r.Name == MessagingExtensions.HealthCheckName);
        registration.Tags.ShouldContain("ready");
        registration.Tags.ShouldContain("messaging");
    }

    [Fact]
    public void MassTransit_reports_no_usage_telemetry_to_its_vendor()
    {
        using var host = Build("Practices.Api", null);

        host.Services.GetRequiredService<IOptions<UsageTelemetryOptions>>().Value.Enabled.ShouldBeFalse();
    }

    [Fact]
    public void Missing_broker_connection_string_fails_at_registration()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });

        Should.Throw<InvalidOperationException>(() => builder.AddMessaging())
            .Message.ShouldContain("'messaging'");
    }

    private static IHost Build(string applicationName, string? otelServiceName)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            ApplicationName = applicationName,
            DisableDefaults = true,
        });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:messaging"] = "amqp://guest:guest@127.0.0.1:1/",
            ["OTEL_SERVICE_NAME"] = otelServiceName,
        });
        builder.Services.AddSingleton(NpgsqlDataSource.Create("Host=127.0.0.1;Port=1"));
        builder.AddMessaging(configureConsumers: bus => bus.AddConsumer<OrderedConsumer>());
        return builder.Build();
    }
}
