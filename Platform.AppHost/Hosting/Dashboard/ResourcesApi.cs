using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Platform.AppHost.Hosting.Dashboard;

/// <summary>
/// The resource states as JSON, for scripts and tests. <c>processIds</c> lists every live process a resource started,
/// helpers included (PostgreSQL backends, Erlang's children, epmd), so a caller can check none outlives the AppHost.
/// </summary>
internal static class ResourcesApi
{
    public sealed record ResourceDto(string Name, string Type, string State, string? Detail, IReadOnlyList<string> Urls, int? ProcessId, IReadOnlyList<int> ProcessIds);

    public static IEndpointRouteBuilder MapResourcesApi(this IEndpointRouteBuilder endpoints, Func<IReadOnlyList<Resource>> resources)
    {
        endpoints.MapGet("/api/resources", () => Results.Json(resources().Select(ToDto).ToArray()));
        return endpoints;
    }

    private static ResourceDto ToDto(Resource resource) =>
        new(
            resource.Name,
            resource.Type,
            resource.State.ToString(),
            resource.StateDetail,
            resource.Urls,
            resource.ProcessId,
            resource.GetProcesses().Select(p => p.Pid).ToArray());
}
