using System.Security.Cryptography;
using Google.Protobuf;
using Platform.Domain.Errors;

namespace Platform.Data.Idempotency;

/// <summary>Idempotent writes for gRPC requests: the request id is a field of the request; the answer is stored as protobuf.</summary>
public static class ProtobufWrites
{
    /// <summary>
    /// Runs <paramref name="write"/> once per <paramref name="requestId"/> (a UUID, or empty for a write that is not
    /// retried safely). The fingerprint is the request's own bytes, so the same id with other content is refused.
    /// </summary>
    public static Task<TResponse> RunOnceAsync<TResponse>(
        this IdempotentWrites writes,
        IMessage request,
        string requestId,
        Func<UnitOfWork, CancellationToken, Task<TResponse>> write,
        CancellationToken cancellationToken)
        where TResponse : IMessage<TResponse>, new()
    {
        var id = ParseRequestId(requestId);
        var operation = request.Descriptor.FullName;
        return writes.RunAsync(
            new WriteRequest(operation, id, SHA256.HashData(request.ToByteArray())),
            write,
            response => response.ToByteArray(),
            bytes => new MessageParser<TResponse>(() => new TResponse()).ParseFrom(bytes),
            cancellationToken);
    }

    private static Guid? ParseRequestId(string requestId)
    {
        if (string.IsNullOrEmpty(requestId)) return null;
        return Guid.TryParse(requestId, out var id)
            ? id
            : throw new InvalidArgumentException("request_id", $"{Quoted.Input(requestId)} is not a UUID (AIP-155).");
    }
}
