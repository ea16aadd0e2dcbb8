using Grpc.Core;
using Platform.Telemetry.Otlp.Proto.Collector.Trace.V1;
using Platform.Telemetry.Spans;

namespace Platform.Telemetry.Otlp;

/// <summary>OTLP/gRPC trace endpoint: /opentelemetry.proto.collector.trace.v1.TraceService/Export.</summary>
internal sealed class OtlpTraceReceiver(SpanStore store) : TraceService.TraceServiceBase
{
    public override Task<ExportTraceServiceResponse> Export(ExportTraceServiceRequest request, ServerCallContext context)
    {
        store.Add(OtlpSpanMapper.Map(request, out var rejected));

        var response = new ExportTraceServiceResponse();
        if (rejected > 0)
        {
            // Partial success tells the exporter not to retry: resending the same invalid spans cannot help.
            response.PartialSuccess = new ExportTracePartialSuccess
            {
                RejectedSpans = rejected,
                ErrorMessage = "Spans without a valid 16-byte trace id and 8-byte span id were dropped.",
            };
        }
        return Task.FromResult(response);
    }
}
