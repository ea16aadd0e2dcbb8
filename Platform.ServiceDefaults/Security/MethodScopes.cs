using System.Collections.Frozen;
using System.Reflection;
using Google.Protobuf.Reflection;
using Grpc.AspNetCore.Server;
using Grpc.Core;
using Llr.Auth.V1;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Hosting;

namespace Platform.ServiceDefaults.Security;

/// <summary>Who may call a gRPC method: anyone, any caller with a valid token, or a caller whose token grants a scope.</summary>
public sealed record MethodAccess(bool Open, string? Scope)
{
    public static readonly MethodAccess Anyone = new(Open: true, Scope: null);
    public static readonly MethodAccess AnyValidToken = new(Open: false, Scope: null);
    public static MethodAccess RequiresScope(string scope) => new(Open: false, Scope: scope);
}

/// <summary>
/// The access every gRPC method of this service requires, read once from the method descriptors: each rpc of our
/// protos declares <c>option (llr.auth.v1.required_scope)</c>. The platform's own infrastructure services are the only
/// exceptions: grpc.health.v1 is open (the orchestrator and load balancers probe it), and reflection is open in
/// Development and needs a valid token elsewhere (it describes the API, which is no secret to a client of it, but
/// nobody else needs it). A method that declares nothing is a start-up error: the service fails closed.
/// </summary>
public sealed class MethodScopes(EndpointDataSource endpoints, IHostEnvironment environment)
{
    private const string HealthService = "grpc.health.v1.Health";
    private static readonly string[] ReflectionServices = ["grpc.reflection.v1alpha.ServerReflection", "grpc.reflection.v1.ServerReflection"];

    private readonly Lazy<FrozenDictionary<string, MethodAccess>> _access = new(() => Read(endpoints, environment));

    /// <summary>What the method needs. Every method routed to this app is known (the table is read from the same routes).</summary>
    public MethodAccess For(IMethod method) =>
        _access.Value.TryGetValue(method.FullName, out var access)
            ? access
            : throw new InvalidOperationException($"{method.FullName} was not among the gRPC methods read at start-up.");

    /// <summary>Reads the table now, so a method without a declared scope stops the start.</summary>
    public int Check() => _access.Value.Count;

    private static FrozenDictionary<string, MethodAccess> Read(EndpointDataSource endpoints, IHostEnvironment environment)
    {
        var access = new Dictionary<string, MethodAccess>(StringComparer.Ordinal);
        var undeclared = new List<string>();
        foreach (var grpc in endpoints.Endpoints.Select(e => e.Metadata.GetMetadata<GrpcMethodMetadata>()).OfType<GrpcMethodMetadata>())
        {
            var method = grpc.Method;
            if (access.ContainsKey(method.FullName)) continue;
            if (method.ServiceName == HealthService)
                access[method.FullName] = MethodAccess.Anyone;
            else if (ReflectionServices.Contains(method.ServiceName))
                access[method.FullName] = environment.IsDevelopment() ? MethodAccess.Anyone : MethodAccess.AnyValidToken;
            else if (DeclaredScope(grpc.ServiceType, method.Name) is { } scope)
                access[method.FullName] = MethodAccess.RequiresScope(scope);
            else
                undeclared.Add(method.FullName);
        }
        if (undeclared.Count > 0)
            throw new InvalidOperationException(
                $"These gRPC methods declare no scope, so this service does not start rather than serve them to anyone: {string.Join(", ", undeclared)}. "
                + "Give each rpc `option (llr.auth.v1.required_scope) = \"<service>.<access>\";` in its .proto (see protos/llr/auth/v1/auth.proto).");
        return access.ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>The scope a method's descriptor declares, or null when it declares none (or is not a generated service's).</summary>
    public static string? DeclaredScope(MethodDescriptor method) =>
        method.GetOptions()?.GetExtension(AuthExtensions.RequiredScope) is { Length: > 0 } scope ? scope : null;

    /// <summary>
    /// The generated base class of a service implementation carries [BindServiceMethod(typeof(Xxx), ...)], and the
    /// generated Xxx has the service's descriptor.
    /// </summary>
    private static string? DeclaredScope(Type serviceType, string methodName)
    {
        for (var type = serviceType; type is not null; type = type.BaseType)
        {
            if (type.GetCustomAttribute<BindServiceMethodAttribute>(inherit: false) is not { } bind) continue;
            var descriptor = bind.BindType.GetProperty("Descriptor", BindingFlags.Public | BindingFlags.Static)?.GetValue(null) as ServiceDescriptor;
            return descriptor?.FindMethodByName(methodName) is { } method ? DeclaredScope(method) : null;
        }
        return null;
    }
}
