using Google.Protobuf;
using Microsoft.AspNetCore.Http;
using Status = Google.Rpc.Status;

namespace Platform.ServiceDefaults.Grpc;

/// <summary>
/// A gRPC answer written by middleware, before grpc-dotnet reads the call: a trailers-only response carrying the status,
/// its message and its google.rpc details (grpc-status-details-bin), as grpc-dotnet itself would send them.
/// </summary>
public static class TrailersOnlyStatus
{
    public static void Write(HttpResponse response, Status status)
    {
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/grpc";
        response.Headers["grpc-status"] = status.Code.ToString(System.Globalization.CultureInfo.InvariantCulture);
        // grpc-message is percent-encoded (the gRPC HTTP/2 protocol), so any text survives as a header value.
        response.Headers["grpc-message"] = Uri.EscapeDataString(status.Message);
        response.Headers["grpc-status-details-bin"] = Convert.ToBase64String(status.ToByteArray());
    }
}
