using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.AspNetCore.Server;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Tokens;
using Platform.ServiceDefaults.Grpc;
using Status = Google.Rpc.Status;

namespace Platform.ServiceDefaults.Security;

/// <summary>
/// The one place a gRPC call is let in or refused, before grpc-dotnet reads its body: a call without a valid token is
/// UNAUTHENTICATED (the message says why in a word or two, never quoting the token), a valid token without the
/// method's scope is PERMISSION_DENIED naming the scope. It runs as middleware, not as an interceptor, so nothing of an
/// unauthenticated call is decoded or answered with anything but UNAUTHENTICATED.
/// </summary>
public static class ScopeEnforcement
{
    public const string ErrorDomain = "llr.nhs.uk";

    public static IServiceCollection AddScopeEnforcement(this IServiceCollection services)
    {
        services.AddSingleton<MethodScopes>();
        services.AddTransient<IStartupFilter, ScopeDeclarationCheck>();
        return services;
    }

    public static IApplicationBuilder UseScopeEnforcement(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            if (context.GetEndpoint()?.Metadata.GetMetadata<GrpcMethodMetadata>() is not { } grpc)
            {
                await next(context);
                return;
            }
            var access = context.RequestServices.GetRequiredService<MethodScopes>().For(grpc.Method);
            if (access.Open)
            {
                await next(context);
                return;
            }
            // The handler keeps its result for the request, so this is the authentication middleware's own result.
            var result = await context.AuthenticateAsync();
            if (!result.Succeeded)
            {
                TrailersOnlyStatus.Write(context.Response, Unauthenticated(result));
                return;
            }
            if (access.Scope is { } scope && !context.User.Scopes().Contains(scope))
            {
                TrailersOnlyStatus.Write(context.Response, PermissionDenied(scope, grpc.Method.Name));
                return;
            }
            await next(context);
        });

    private static Status Unauthenticated(AuthenticateResult result)
    {
        if (TokenServiceUnreachable(result.Failure))
        {
            return Error(Code.Unavailable, "The token service cannot be reached to check the access token; retry later.",
                new RetryInfo { RetryDelay = Duration.FromTimeSpan(TimeSpan.FromSeconds(1)) });
        }
        var (reason, words) = result.Failure switch
        {
            null => ("ACCESS_TOKEN_MISSING", "no bearer access token"),
            TokenTooLongException => ("ACCESS_TOKEN_INVALID", "access token too long"),
            SecurityTokenExpiredException => ("ACCESS_TOKEN_EXPIRED", "access token expired"),
            SecurityTokenNotYetValidException => ("ACCESS_TOKEN_INVALID", "access token not yet valid"),
            SecurityTokenInvalidAudienceException => ("ACCESS_TOKEN_INVALID", "access token not for this service"),
            SecurityTokenInvalidIssuerException => ("ACCESS_TOKEN_INVALID", "access token from an unknown issuer"),
            SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException
                => ("ACCESS_TOKEN_INVALID", "access token signature invalid"),
            _ => ("ACCESS_TOKEN_INVALID", "access token invalid"),
        };
        return Error(Code.Unauthenticated, $"Unauthenticated: {words}.", new ErrorInfo { Reason = reason, Domain = ErrorDomain });
    }

    /// <summary>
    /// The token service's discovery document could not be fetched, so no token can be checked: not the caller's fault.
    /// IdentityModel reports it as IDX20803 (the fetch failed) or, once validation runs without a configuration, as
    /// IDX10204 (no issuer to check against: with an authority set, only a missing discovery document leaves none).
    /// </summary>
    private static bool TokenServiceUnreachable(Exception? failure) => failure switch
    {
        InvalidOperationException { Message: var message } => message.StartsWith("IDX20803", StringComparison.Ordinal),
        SecurityTokenInvalidIssuerException { Message: var message } => message.StartsWith("IDX10204", StringComparison.Ordinal),
        _ => false,
    };

    private static Status PermissionDenied(string scope, string method)
    {
        var info = new ErrorInfo { Reason = "SCOPE_MISSING", Domain = ErrorDomain };
        info.Metadata["required_scope"] = scope;
        return Error(Code.PermissionDenied, $"The access token does not grant the scope {scope}, which {method} requires.", info);
    }

    private static Status Error(Code code, string message, Google.Protobuf.IMessage detail)
    {
        var status = new Status { Code = (int)code, Message = message };
        status.Details.Add(Any.Pack(detail));
        return status;
    }

    /// <summary>
    /// Reads every method's access once the request pipeline is built (so every route is known) and before the server
    /// listens: a method with no scope stops the start. A hosted service would run too early, before the routes are
    /// registered with the pipeline.
    /// </summary>
    private sealed class ScopeDeclarationCheck : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            next(app);
            app.ApplicationServices.GetRequiredService<MethodScopes>().Check();
        };
    }
}
