using Grpc.Core;
using Grpc.Core.Interceptors;

namespace Platform.Testing;

/// <summary>
/// Gives every gRPC call a test makes the running test's cancellation token and a deadline, so a hung service fails
/// the test promptly instead of stalling the run, without threading a token through every call in every test.
/// </summary>
public sealed class TestCallInterceptor(TimeSpan deadline) : Interceptor
{
    public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(
        TRequest request, ClientInterceptorContext<TRequest, TResponse> context, AsyncUnaryCallContinuation<TRequest, TResponse> continuation)
    {
        var options = context.Options;
        if (options.CancellationToken == default) options = options.WithCancellationToken(TestContext.Current.CancellationToken);
        if (options.Deadline is null) options = options.WithDeadline(DateTime.UtcNow + deadline);
        return continuation(request, new ClientInterceptorContext<TRequest, TResponse>(context.Method, context.Host, options));
    }
}
