namespace Platform.Benchmarks;

/// <summary>
/// A running service's environment, read from its process: what the AppHost gave it (the token service's address and
/// audience, the OTLP exporter's address and settings, the environment name, the benchmark's own settings), so the
/// platform's echo runs with exactly the settings the service runs with, less what is the service's alone.
/// </summary>
public static class ServiceEnvironment
{
    /// <summary>
    /// The environment of the process whose command line names <paramref name="service"/>'s build output (the
    /// service itself, not the <c>dotnet run</c> that launched it), renamed <paramref name="name"/> for telemetry,
    /// without its addresses and its database and broker connections.
    /// </summary>
    public static IReadOnlyDictionary<string, string> Of(string service, string name)
    {
        var process = Directory.EnumerateDirectories("/proc")
            .Where(directory => int.TryParse(Path.GetFileName(directory), out _))
            .FirstOrDefault(directory => ReadOrEmpty($"{directory}/cmdline").Contains($"{service}/bin/", StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"No running process of {service} was found in /proc.");
        var environment = ReadOrEmpty($"{process}/environ").Split('\0', StringSplitOptions.RemoveEmptyEntries)
            .Select(entry => entry.Split('=', 2))
            .Where(pair => pair.Length == 2 && !IsTheServicesAlone(pair[0]))
            .ToDictionary(pair => pair[0], pair => pair[1]);
        environment["OTEL_SERVICE_NAME"] = name;
        environment["OTEL_RESOURCE_ATTRIBUTES"] = $"service.instance.id={name}";
        return environment;
    }

    private static bool IsTheServicesAlone(string name) =>
        name is "ASPNETCORE_URLS" or "HTTP_PORTS" or "HTTPS_PORTS" or "ASPNETCORE_HTTP_PORTS" or "ASPNETCORE_HTTPS_PORTS"
            or "OTEL_SERVICE_NAME" or "OTEL_RESOURCE_ATTRIBUTES"
        || name.StartsWith("Kestrel__", StringComparison.Ordinal)
        || name.StartsWith("ConnectionStrings__", StringComparison.Ordinal);

    private static string ReadOrEmpty(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return "";
        }
    }
}
