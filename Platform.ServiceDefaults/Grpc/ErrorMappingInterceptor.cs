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
                return InvalidArgument(invalid.Violations);

            case NotFoundException notFound:
                return Rpc(Code.NotFound, Cut(notFound.Message),
                    new ResourceInfo { ResourceType = notFound.ResourceType, ResourceName = Cut(notFound.ResourceName) });

            case RuleViolationException rule:
                var failure = new PreconditionFailure();
                failure.Violations.Add(new PreconditionFailure.Types.Violation { Type = rule.Rule, Subject = Cut(rule.Subject), Description = Cut(rule.Message) });
                return Rpc(Code.FailedPrecondition, Cut(rule.Message), failure);

            case ConcurrencyConflictException conflict:
                return Rpc(Code.Aborted, Cut(conflict.Message), new ErrorInfo { Reason = "CONCURRENT_WRITE", Domain = "llr.nhs.uk" });

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

    /// <summary>The most field violations an answer lists; the rest are counted. Each quotes at most a short prefix of its input.</summary>
    public const int MaxFieldViolations = 10;

    /// <summary>
    /// Where a message is cut, whatever raised it: messages quote input through Quoted, and this bounds what one
    /// that forgot would send. An INVALID_ARGUMENT's details still hold each listed violation whole.
    /// </summary>
    public const int MaxMessageLength = 1_000;

    private static string Cut(string message) => message.Length > MaxMessageLength ? message[..MaxMessageLength] + "…" : message;

    /// <summary>
    /// INVALID_ARGUMENT with the first <see cref="MaxFieldViolations"/> violations, in the message and as BadRequest, and
    /// how many more there were: a request naming 2,000 bad practices once got an answer whose trailers outgrew what
    /// an HTTP/2 client accepts (64 KB of headers), so the caller saw UNAVAILABLE instead of its mistake.
    /// </summary>
    private static RpcException InvalidArgument(IReadOnlyList<FieldViolation> violations)
    {
        var listed = violations.Take(MaxFieldViolations).ToList();
        var badRequest = new BadRequest();
        badRequest.FieldViolations.AddRange(listed.Select(v => new BadRequest.Types.FieldViolation { Field = v.Field, Description = v.Description }));
        var joined = string.Join("; ", listed.Select(v => $"{v.Field}: {v.Description}"));
        var message = Cut(joined);
        if (violations.Count > listed.Count || message.Length < joined.Length)
            message += $" ({violations.Count:N0} field violations; the details list the first {listed.Count}.)";
        return Rpc(Code.InvalidArgument, message, badRequest);
    }

    private static RpcException Rpc(Code code, string message, Google.Protobuf.IMessage? detail)
    {
        var status = new Status { Code = (int)code, Message = message };
        if (detail is not null) status.Details.Add(Any.Pack(detail));
        return status.ToRpcException();
    }
}
