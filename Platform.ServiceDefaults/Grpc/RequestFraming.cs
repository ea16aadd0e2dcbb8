using System.Buffers;
using Google.Protobuf;
using Google.Rpc;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Status = Google.Rpc.Status;

namespace Platform.ServiceDefaults.Grpc;

/// <summary>
/// The gRPC frame around a unary request's message, checked before grpc-dotnet reads it: a compressed flag other than
/// 0 or 1, a length over 2 GB, a body that ends before its message or runs on after it are the caller's mistake,
/// INVALID_ARGUMENT, where grpc-dotnet answers UNKNOWN (an exception) or INTERNAL ("Incomplete message"). The check
/// reads what the caller sent without consuming it, so grpc-dotnet reads the same bytes after it.
/// </summary>
public static class RequestFraming
{
    private const int HeaderLength = 5; // compressed flag, then the message's length as a big-endian uint32

    /// <summary>Checks the framing of every unary gRPC call routed to this app.</summary>
    public static IApplicationBuilder UseRequestFramingAsInvalidArgument(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            if (context.GetEndpoint()?.Metadata.GetMetadata<global::Grpc.AspNetCore.Server.GrpcMethodMetadata>() is { Method.Type: MethodType.Unary }
                && context.Request.ContentType?.StartsWith("application/grpc", StringComparison.Ordinal) == true
                && await ProblemAsync(context.Request.BodyReader, MaxMessageLength(context), context.RequestAborted) is { } problem)
            {
                WriteInvalidArgument(context.Response, problem);
                return;
            }
            await next(context);
        });

    /// <summary>What is wrong with the frame, or null when grpc-dotnet may read it (as it is, or to refuse its size).</summary>
    private static async Task<string?> ProblemAsync(System.IO.Pipelines.PipeReader reader, long maxMessageLength, CancellationToken cancellationToken)
    {
        long examined = 0;
        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken);
            var buffer = result.Buffer;
            var (decided, problem) = Judge(buffer, result.IsCompleted, maxMessageLength);
            // Nothing consumed. Once decided, examined stays where the last read left it, short of what has arrived
            // since, so grpc-dotnet's first read returns at once. Never back: Kestrel opens the HTTP/2 flow-control
            // windows as bytes are examined, and taking an examination back shrinks windows already granted, so a
            // client sending within them has its whole connection closed (FLOW_CONTROL_ERROR).
            reader.AdvanceTo(buffer.Start, decided ? buffer.GetPosition(examined) : buffer.End);
            if (decided) return problem;
            examined = buffer.Length;
        }
    }

    /// <summary>What the server accepts (grpc-dotnet's default is 4 MB).</summary>
    private static long MaxMessageLength(HttpContext context) =>
        context.RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<global::Grpc.AspNetCore.Server.GrpcServiceOptions>>()
            .Value.MaxReceiveMessageSize ?? 4 * 1024 * 1024;

    private static (bool Decided, string? Problem) Judge(System.Buffers.ReadOnlySequence<byte> buffer, bool complete, long maxMessageLength)
    {
        if (buffer.Length < HeaderLength)
            return complete ? (true, $"the body ends after {buffer.Length} bytes, before the 5-byte gRPC message header.") : (false, null);
        Span<byte> header = stackalloc byte[HeaderLength];
        buffer.Slice(0, HeaderLength).CopyTo(header);
        var length = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(header[1..]);
        if (header[0] > 1) return (true, $"the gRPC message header's compressed flag is {header[0]}, not 0 or 1.");
        if (length > int.MaxValue) return (true, $"the gRPC message header gives a length of {length:N0} bytes.");
        var received = buffer.Length - HeaderLength;
        if (received > length) return (true, $"the body runs on after its message of {length:N0} bytes.");
        if (received == length && complete) return (true, null);
        // Longer than the server accepts: grpc-dotnet answers RESOURCE_EXHAUSTED without waiting for the rest.
        if (length > maxMessageLength) return (true, null);
        return complete ? (true, $"the body ends after {received:N0} of its message's {length:N0} bytes.") : (false, null);
    }

    /// <summary>A trailers-only gRPC answer: INVALID_ARGUMENT, with a BadRequest naming no field (the body is not a message).</summary>
    private static void WriteInvalidArgument(Microsoft.AspNetCore.Http.HttpResponse response, string problem)
    {
        var status = new Status { Code = (int)Code.InvalidArgument, Message = $"The request could not be parsed: {problem}" };
        status.Details.Add(Google.Protobuf.WellKnownTypes.Any.Pack(new BadRequest()));
        TrailersOnlyStatus.Write(response, status);
    }
}
