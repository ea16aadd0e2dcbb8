using System.Reflection;

namespace Platform.AppHost.Tests.Support;

internal static class BuildConfiguration
{
    /// <summary>Debug or Release: the tests, the AppHost and the services are built together, with one configuration.</summary>
    public static string Current { get; } =
        typeof(BuildConfiguration).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
}
