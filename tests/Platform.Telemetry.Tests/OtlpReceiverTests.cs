using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Platform.Telemetry.Logs;
using Platform.Telemetry.Metrics;
using Platform.Telemetry.Spans;
using SpanKind = Platform.Telemetry.Spans.SpanKind;

namespace Platform.Telemetry.Tests;

/// <summary>The real OpenTelemetry .NET SDK exporting OTLP/gRPC to the receiver, as every service will.</summary>
public sealed class OtlpReceiverTests : IAsyncLifetime
{
    private const string ServiceName = "orders-api";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    // Unique per test instance: the SDK listens to sources by name, and test classes run in parallel.
    private readonly string _sourceName = $"Platform.Telemetry.Tests.{Guid.NewGuid():N}";
    private TelemetryHost _host = null!;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _host = await TelemetryHost.StartAsync(Cancellation);

    public ValueTask DisposeAsync() => _host.DisposeAsync();

    [Fact]
    public async Task ReceivesATraceExportedByTheOpenTelemetrySdkAndShowsItsTree()
    {
        using var source = new ActivitySource(_sourceName);
        using var tracing = Sdk.CreateTracerProviderBuilder()
            .AddSource(_sourceName)
            .ConfigureResource(r => r.AddService(ServiceName))
            .AddOtlpExporter(ExportToHost)
            .Build();

        string traceId;
        using (var parent = source.StartActivity("PlaceOrder", ActivityKind.Server).ShouldNotBeNull())
        {
            traceId = parent.TraceId.ToHexString();
            using var child = source.StartActivity("SaveOrder", ActivityKind.Client).ShouldNotBeNull();
            child.SetTag("db.system", "postgresql");
            child.SetStatus(ActivityStatusCode.Error, "deadlock detected");
        }
        tracing.ForceFlush(10_000).ShouldBeTrue();

        var store = _host.GetRequiredService<SpanStore>();
        await store.WaitForSpanAsync(s => s.TraceId == traceId && s.Name == "PlaceOrder", Timeout, Cancellation);
        var trace = store.GetTrace(traceId).ShouldNotBeNull();

        var root = trace.Roots.ShouldHaveSingleItem();
        root.Span.ShouldSatisfyAllConditions(
            s => s.Name.ShouldBe("PlaceOrder"),
            s => s.ServiceName.ShouldBe(ServiceName),
            s => s.Kind.ShouldBe(SpanKind.Server),
            s => s.ParentSpanId.ShouldBeNull(),
            s => s.ScopeName.ShouldBe(_sourceName));
        root.Children.ShouldHaveSingleItem().Span.ShouldSatisfyAllConditions(
            s => s.Name.ShouldBe("SaveOrder"),
            s => s.Kind.ShouldBe(SpanKind.Client),
            s => s.ParentSpanId.ShouldBe(root.Span.SpanId),
            s => s.Status.ShouldBe(SpanStatus.Error),
            s => s.StatusMessage.ShouldBe("deadlock detected"),
            s => s.Attributes["db.system"].ShouldBe("postgresql"));

        var page = await _host.Pages.GetStringAsync($"/traces/{traceId}", Cancellation);
        page.ShouldContain("PlaceOrder");
        page.ShouldContain("SaveOrder");
        page.ShouldContain("deadlock detected");

        var home = await _host.Pages.GetStringAsync("/", Cancellation);
        home.ShouldContain($"href=\"/traces/{traceId}\"");

        var json = await _host.Pages.GetStringAsync($"/api/traces/{traceId}", Cancellation);
        json.ShouldContain("\"name\":\"SaveOrder\"");
        json.ShouldContain("\"status\":\"Error\"");
    }

    [Fact]
    public async Task ReceivesLogsExportedByTheOpenTelemetrySdkWithTheirTraceId()
    {
        using var loggerFactory = LoggerFactory.Create(logging => logging.AddOpenTelemetry(otel =>
        {
            otel.SetResourceBuilder(ResourceBuilder.CreateDefault().AddService(ServiceName));
            otel.IncludeFormattedMessage = true;
            otel.AddOtlpExporter(ExportToHost);
        }));
        var logger = loggerFactory.CreateLogger("Orders.Placement");

        string traceId;
        // A started Activity is current without any listener, which is all the logger needs to stamp the trace id.
        using (var activity = new Activity("log-scope").Start())
        {
            traceId = activity.TraceId.ToHexString();
            logger.LogWarning("Order {OrderId} is late", 42);
        }
        loggerFactory.Dispose(); // flushes the batch exporter

        var entry = await _host.GetRequiredService<LogStore>()
            .WaitForLogAsync(l => l.TraceId == traceId, Timeout, Cancellation);

        entry.ShouldSatisfyAllConditions(
            e => e.ServiceName.ShouldBe(ServiceName),
            e => e.Severity.ShouldBe(LogSeverity.Warn),
            e => e.Body.ShouldBe("Order 42 is late"),
            e => e.Category.ShouldBe("Orders.Placement"),
            e => e.Attributes["OrderId"].ShouldBe("42"));

        var page = await _host.Pages.GetStringAsync($"/logs?traceId={traceId}", Cancellation);
        page.ShouldContain("Order 42 is late");
    }

    [Fact]
    public void CountsMetricDataPointsExportedByTheOpenTelemetrySdk()
    {
        using var meter = new Meter(_sourceName);
        using var metrics = Sdk.CreateMeterProviderBuilder()
            .AddMeter(_sourceName)
            .ConfigureResource(r => r.AddService(ServiceName))
            .AddOtlpExporter(ExportToHost)
            .Build();

        meter.CreateCounter<long>("orders.placed").Add(1);
        meter.CreateHistogram<double>("orders.duration").Record(12.5);
        metrics.ForceFlush(10_000).ShouldBeTrue();

        var counters = _host.GetRequiredService<MetricCounters>();
        counters.TotalDataPoints.ShouldBe(2);
        counters.DataPointsByService().ShouldHaveSingleItem().ShouldBe(new KeyValuePair<string, long>(ServiceName, 2));
    }

    [Fact]
    public async Task PagesEncodeWhatServicesSend()
    {
        _host.GetRequiredService<SpanStore>().Add([SpanFactory.Span("abc", "s1", name: "<script>alert(1)</script>")]);

        var page = await _host.Pages.GetStringAsync("/traces/abc", Cancellation);
        var home = await _host.Pages.GetStringAsync("/", Cancellation);

        page.ShouldNotContain("<script>");
        home.ShouldNotContain("<script>");
        page.ShouldContain("&lt;script&gt;");
    }

    [Fact]
    public async Task AnUnknownTraceIsNotFound()
    {
        (await _host.Pages.GetAsync("/traces/0123", Cancellation)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await _host.Pages.GetAsync("/api/traces/0123", Cancellation)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    private void ExportToHost(OtlpExporterOptions options)
    {
        options.Endpoint = _host.OtlpEndpoint;
        options.Protocol = OtlpExportProtocol.Grpc;
    }
}
