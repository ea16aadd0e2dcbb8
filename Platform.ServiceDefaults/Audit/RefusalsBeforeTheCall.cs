using System.Collections.Concurrent;
using Google.Protobuf;
using Grpc.AspNetCore.Server;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Platform.Data.Audit;

namespace Platform.ServiceDefaults.Audit;

/// <summary>
/// A write refused before grpc-dotnet hands it to the interceptors — by middleware (a token or scope check, a rate
/// limit, a malformed frame) or because its body does not decode — is recorded too, after the response, with what is
/// known without the body: the client, the RPC and the status; no resource or request id. A call that reached
/// <see cref="AuditInterceptor"/> was recorded there and is left alone.
/// </summary>
public static class RefusalsBeforeTheCall
{
    private static readonly object InterceptedKey = new();
    private static readonly ConcurrentDictionary<Type, bool> WriteRequests = new();

    /// <summary>Runs first, so it sees the outcome of every later middleware and of the call itself.</summary>
    public static IApplicationBuilder UseAuditOfRefusalsBeforeTheCall(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            await next(context);
            if (context.Items.ContainsKey(InterceptedKey)) return;
            if (context.GetEndpoint()?.Metadata.GetMetadata<GrpcMethodMetadata>() is not { } grpc || !IsWrite(grpc.Method)) return;
            if (GrpcStatus(context) is not { } status || status == StatusCode.OK) return;

            var write = new AuditedWrite(AuditInterceptor.ClientIdOf(context.User), grpc.Method.FullName, Resource: "", RequestId: "");
            await AuditInterceptor.RecordAsync(context, write, AuditOutcomes.NameOf((Google.Rpc.Code)(int)status));
        });

    /// <summary>The call reached the interceptors, which record it.</summary>
    internal static void MarkIntercepted(HttpContext context) => context.Items[InterceptedKey] = true;

    private static bool IsWrite(IMethod method) => WriteRequests.GetOrAdd(method.GetType(), static type =>
        type.IsGenericType && type.GetGenericArguments()[0] is var request && typeof(IMessage).IsAssignableFrom(request)
        && AuditedWrites.ShapeOf((IMessage)Activator.CreateInstance(request)!) is not null);

    /// <summary>The status sent: in the headers of a trailers-only answer, else in the trailers.</summary>
    private static StatusCode? GrpcStatus(HttpContext context)
    {
        var value = context.Response.Headers["grpc-status"].ToString();
        if (value.Length == 0) value = context.Features.Get<IHttpResponseTrailersFeature>()?.Trailers["grpc-status"].ToString() ?? "";
        return int.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, out var code) ? (StatusCode)code : null;
    }
}
