namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// A PostgreSQL server run from the machine's own binaries as an executable resource, its data under the state
/// folder. Its connection string names the superuser; services get one of its databases.
/// </summary>
public sealed class LocalPostgresServerResource(string name, string command, string workingDirectory, ParameterResource password)
    : ExecutableResource(name, command, workingDirectory), IResourceWithConnectionString
{
    public const string EndpointName = "tcp";
    public const string SuperUser = "postgres";

    private readonly Dictionary<string, string> _databases = new(StringComparer.OrdinalIgnoreCase);

    public ParameterResource PasswordParameter { get; } = password;

    public EndpointReference PrimaryEndpoint => new(this, EndpointName);

    /// <summary>Resource name to database name, for every database created once the server is ready.</summary>
    public IReadOnlyDictionary<string, string> Databases => _databases;

    // The server listens on loopback without TLS or GSS: a client left to "prefer" them tries each in turn when it
    // opens a connection, which against a server that does not answer triples the wait before it gives up.
    public ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create(
            $"Host=127.0.0.1;Port={PrimaryEndpoint.Property(EndpointProperty.Port)};Username={SuperUser};Password={PasswordParameter};SSL Mode=Disable;GSS Encryption Mode=Disable");

    internal void AddDatabase(string resourceName, string databaseName) => _databases.TryAdd(resourceName, databaseName);
}

/// <summary>A database on a <see cref="LocalPostgresServerResource"/>, created when the server is ready.</summary>
public sealed class LocalPostgresDatabaseResource(string name, string databaseName, LocalPostgresServerResource parent)
    : Resource(name), IResourceWithParent<LocalPostgresServerResource>, IResourceWithConnectionString
{
    public string DatabaseName { get; } = databaseName;

    public LocalPostgresServerResource Parent { get; } = parent;

    public ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"{Parent.ConnectionStringExpression};Database={DatabaseName}");
}
