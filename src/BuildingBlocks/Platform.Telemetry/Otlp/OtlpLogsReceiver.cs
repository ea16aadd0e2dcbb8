using Grpc.Core;
using Platform.Telemetry.Logs;
using Platform.Telemetry.Otlp.Proto.Collector.Logs.V1;

namespace Platform.Telemetry.Otlp;

/// <summary>OTLP/gRPC logs endpoint: /opentelemetry.proto.collector.logs.v1.LogsService/Export.</summary>
internal sealed class OtlpLogsReceiver(LogStore store) : LogsService.LogsServiceBase
{
    public override Task<ExportLogsServiceResponse> Export(ExportLogsServiceRequest request, ServerCallContext context)
    {
        store.Add(OtlpLogMapper.Map(request));
        return Task.FromResult(new ExportLogsServiceResponse());
    }
}
