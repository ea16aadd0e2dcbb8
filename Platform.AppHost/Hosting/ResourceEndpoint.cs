namespace Platform.AppHost.Hosting;

/// <summary>
/// A named port a resource listens on (always on 127.0.0.1). Its port is fixed when the app is built; the setting
/// that overrides it is <c>Ports:&lt;resource&gt;</c> for a resource's main endpoint and
/// <c>Ports:&lt;resource&gt;-&lt;endpoint&gt;</c> for the others.
/// </summary>
public sealed class ResourceEndpoint
{
    private readonly Resource _resource;
    private readonly bool _isMain;
    private int? _port;

    internal ResourceEndpoint(Resource resource, string name, string scheme, int? defaultPort, bool isMain)
    {
        _resource = resource;
        Name = name;
        Scheme = scheme;
        DefaultPort = defaultPort;
        _isMain = isMain;
    }

    public string Name { get; }

    public string Scheme { get; }

    /// <summary>The port used unless configuration overrides it or ports are dynamic; null = any free port.</summary>
    public int? DefaultPort { get; internal set; }

    public int Port => _port ?? throw new InvalidOperationException($"The port of {Description} is assigned when the app is built.");

    public Uri Url => new(Address);

    /// <summary>The URL without a trailing slash, as services expect it in configuration: <c>http://127.0.0.1:5101</c>.</summary>
    public string Address => $"{Scheme}://127.0.0.1:{Port}";

    /// <summary>The configuration key that overrides this port, e.g. <c>Ports:postgres</c>.</summary>
    public string ConfigurationKey => $"Ports:{PortKey}";

    internal string PortKey => _isMain ? _resource.Name : $"{_resource.Name}-{Name}";

    internal string Description => _isMain ? _resource.Name : $"{_resource.Name} ({Name})";

    internal void AssignPort(int port) => _port = port;
}
