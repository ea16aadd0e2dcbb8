using System.Data.Common;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.Logging;
using Platform.Domain.Errors;
using Status = Google.Rpc.Status;

namespace Platform.ServiceDefaults.Grpc;

/// <summary>
/// The one place where domain errors become gRPC statuses, with the google.rpc details a caller can act on:
/// bad input → INVALID_ARGUMENT + BadRequest field violations; unknown resource → NOT_FOUND + ResourceInfo;
/// a broken invariant → FAILED_PRECONDITION + PreconditionFailure; a lost race → ABORTED; a database that is down
/// → UNAVAILABLE + RetryInfo.
/// Anything else is our fault: INTERNAL, logged, with no detail leaked.
/// </summary>
public sealed class ErrorMappingInterceptor(ILogger<ErrorMappingInterceptor> logger) : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(request, context);
        }
        catch (Exception e) when (e is not RpcException)
        {
            throw ToRpcException(e, context.Method);
        }
    }

    private RpcException ToRpcException(Exception exception, string method)
    {
        switch (exception)
        {
            case InvalidArgumentException invalid:
                var badRequest = new BadRequest();
                badRequest.FieldViolations.AddRange(invalid.Violations.Select(v =>
                    new BadRequest.Types.FieldViolation { Field = v.Field, Description = v.Description }));
                return Rpc(Code.InvalidArgument, invalid.Message, badRequest);

            case NotFoundException notFound:
                return Rpc(Code.NotFound, notFound.Message,
                    new ResourceInfo { ResourceType = notFound.ResourceType, ResourceName = notFound.ResourceName });

            case RuleViolationException rule:
                var failure = new PreconditionFailure();
                failure.Violations.Add(new PreconditionFailure.Types.Violation { Type = rule.Rule, Subject = rule.Subject, Description = rule.Message });
                return Rpc(Code.FailedPrecondition, rule.Message, failure);

            case ConcurrencyConflictException conflict:
                return Rpc(Code.Aborted, conflict.Message, new ErrorInfo { Reason = "CONCURRENT_WRITE", Domain = "llr.nhs.uk" });

            case DbException { IsTransient: true } unavailable:
                // The database is down or unreachable: not the caller's fault, and worth retrying later.
                logger.LogWarning(unavailable, "Database unavailable in {Method}", method);
                return Rpc(Code.Unavailable, "A backing service is unavailable; retry later.", new RetryInfo { RetryDelay = Duration.FromTimeSpan(TimeSpan.FromSeconds(1)) });

            case OperationCanceledException:
                return new RpcException(new global::Grpc.Core.Status(StatusCode.Cancelled, "The call was cancelled."));

            default:
                logger.LogError(exception, "Unhandled error in {Method}", method);
                return Rpc(Code.Internal, "An internal error occurred; it has been logged.", null);
        }
    }

    private static RpcException Rpc(Code code, string message, Google.Protobuf.IMessage? detail)
    {
        var status = new Status { Code = (int)code, Message = message };
        if (detail is not null) status.Details.Add(Any.Pack(detail));
        return status.ToRpcException();
    }
}
