using Google.Rpc;
using Grpc.Core;
using Shouldly;

namespace Platform.Testing;

/// <summary>Asserts on gRPC failures the way a caller sees them: a status code and google.rpc details.</summary>
public static class RpcAssert
{
    public static async Task<RpcException> FailsWith(StatusCode code, Func<Task> call)
    {
        var error = await Should.ThrowAsync<RpcException>(call);
        error.StatusCode.ShouldBe(code, error.Status.Detail);
        return error;
    }

    public static async Task<IReadOnlyList<string>> FailsWithFieldViolations(Func<Task> call)
    {
        var error = await FailsWith(StatusCode.InvalidArgument, call);
        var badRequest = error.GetRpcStatus()?.GetDetail<BadRequest>();
        badRequest.ShouldNotBeNull("INVALID_ARGUMENT must carry google.rpc.BadRequest");
        badRequest.FieldViolations.ShouldAllBe(violation => violation.Description != "");
        return badRequest.FieldViolations.Select(violation => violation.Field).ToList();
    }

    public static async Task<PreconditionFailure.Types.Violation> FailsPrecondition(Func<Task> call)
    {
        var error = await FailsWith(StatusCode.FailedPrecondition, call);
        var failure = error.GetRpcStatus()?.GetDetail<PreconditionFailure>();
        failure.ShouldNotBeNull("FAILED_PRECONDITION must carry google.rpc.PreconditionFailure");
        return failure.Violations.Single();
    }

    /// <summary>The call fails, but as the caller's or the state's fault, never as an unhandled server error.</summary>
    public static async Task<StatusCode> FailsWithoutInternalError(Func<Task> call)
    {
        var error = await Should.ThrowAsync<RpcException>(call);
        error.StatusCode.ShouldNotBe(StatusCode.Internal, error.Status.Detail);
        error.StatusCode.ShouldNotBe(StatusCode.Unknown, error.Status.Detail);
        return error.StatusCode;
    }
}
