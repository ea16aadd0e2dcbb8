using System.Security.Claims;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Platform.Data.Audit;
using Platform.ServiceDefaults.Security;

namespace Platform.ServiceDefaults.Audit;

/// <summary>
/// Records every write RPC (<see cref="AuditedWrites"/>) in the service's audit trail, accepted or refused. It is the
/// outermost interceptor, so it sees every outcome as the caller does: an accepted write's record is inserted by the
/// write's own unit of work (<see cref="AuditScope"/>, <see cref="Platform.Data.Idempotency.IdempotentWrites"/>), so
/// it commits with the write; a refusal (any status, whichever interceptor or handler raised it, after the write's
/// transaction rolled back) is recorded here, in a transaction of its own. Refusals before any interceptor runs are
/// recorded by <see cref="RefusalsBeforeTheCall"/>.
/// </summary>
public sealed partial class AuditInterceptor(ILogger<AuditInterceptor> logger) : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        if (request is not IMessage message || AuditedWrites.ShapeOf(message) is not { } shape)
            return await continuation(request, context);

        var http = context.GetHttpContext();
        RefusalsBeforeTheCall.MarkIntercepted(http);
        var write = new AuditedWrite(ClientIdOf(http.User), context.Method, shape.Resource(message), shape.RequestId(message));
        var scope = AuditScope.Begin(write);
        TResponse response;
        try
        {
            response = await continuation(request, context);
        }
        catch (RpcException refused)
        {
            await RecordAsync(http, write, AuditOutcomes.NameOf((Google.Rpc.Code)(int)refused.StatusCode));
            throw;
        }

        if (!scope.Recorded)
        {
            // A write that did not go through IdempotentWrites: still recorded, though not in its own transaction.
            LogRecordedOutsideTheWrite(context.Method);
            await RecordAsync(http, write, AuditOutcomes.Accepted);
        }
        return response;
    }

    /// <summary>The caller's client id: <c>client_id</c>, else <c>sub</c>, of an authenticated caller; else anonymous.</summary>
    public static string ClientIdOf(ClaimsPrincipal user) => user.ClientId() is { Length: > 0 } id ? id : AuditedWrite.Anonymous;

    /// <summary>
    /// Records a call's outcome in a transaction of its own (for this interceptor and for
    /// <see cref="RefusalsBeforeTheCall"/>); a record that cannot be written is logged, never the caller's answer.
    /// </summary>
    internal static async Task RecordAsync(Microsoft.AspNetCore.Http.HttpContext http, AuditedWrite write, string outcome)
    {
        try
        {
            // Not the call's token: a cancelled or timed-out call's refusal is recorded too (within the command timeout).
            await http.RequestServices.GetRequiredService<AuditStore>().RecordAsync(write, outcome, CancellationToken.None);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The caller gets the outcome the service decided, not the audit trail's failure (a database that is down
            // refused the write already, with UNAVAILABLE).
            LogNotRecorded(http.RequestServices.GetRequiredService<ILogger<AuditInterceptor>>(), e, write.Method, outcome);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The audit record of a {Method} call ({Outcome}) could not be written")]
    private static partial void LogNotRecorded(ILogger logger, Exception exception, string method, string outcome);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Method} committed without its audit record; recorded after it, in a transaction of its own")]
    private partial void LogRecordedOutsideTheWrite(string method);
}
