using System.Collections.Concurrent;
using System.Diagnostics;
using Platform.Messaging.Tests.Infrastructure;
using Platform.Testing;
using Shouldly;

namespace Platform.Messaging.Tests;

public sealed class TracePropagationTests : IDisposable
{
    // Stands in for the gRPC server span of the request that changed state.
    private const string TestSourceName = "Platform.Messaging.Tests";
    private static readonly ActivitySource TestSource = new(TestSourceName);

    private readonly MessagingFixture _servers;
    private readonly ConcurrentQueue<Activity> _stopped = new();
    private readonly ActivityListener _listener;

    public TracePropagationTests(MessagingFixture servers)
    {
        _servers = servers;

        // What OpenTelemetry does in a service: sample our source, MassTransit's and the "request" one.
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is MessagingDiagnostics.ActivitySourceName
                or MessagingDiagnostics.MassTransitActivitySourceName
                or TestSourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    [Fact]
    public async Task Consumer_runs_in_the_trace_that_wrote_the_outbox_row()
    {
        await using var service = await MessagingTestHost.StartAsync(_servers, bus => bus.AddConsumer<TracedConsumer>());
        var message = new TracedEvent(Guid.NewGuid());

        ActivityTraceId writerTrace;
        ActivitySpanId writerSpan;
        using (var request = TestSource.StartActivity("grpc request", ActivityKind.Server)!)
        {
            writerTrace = request.TraceId;
            writerSpan = request.SpanId;
            await service.WriteAsync(message);
        }

        var consumerTrace = await Eventually.Until(
            () => service.ScalarAsync<string?>("SELECT max(trace_id) FROM handled WHERE key = @key", message.Key),
            trace => trace is not null, "the traced event", TimeSpan.FromSeconds(60));

        consumerTrace.ShouldBe(writerTrace.ToHexString());

        var relay = _stopped.Single(a => a.Source.Name == MessagingDiagnostics.ActivitySourceName && a.TraceId == writerTrace);
        relay.DisplayName.ShouldBe($"outbox relay {nameof(TracedEvent)}");
        relay.ParentSpanId.ShouldBe(writerSpan);
    }

    public void Dispose() => _listener.Dispose();
}
