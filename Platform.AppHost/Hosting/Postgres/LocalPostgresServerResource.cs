namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// A PostgreSQL server run from the machine's own binaries as an executable resource, its data under the state
/// folder. Its connection string names the superuser (the AppHost's own administration); services get one of its
/// databases, as that database's runtime role.
/// </summary>
public sealed class LocalPostgresServerResource(string name, string command, string workingDirectory, ParameterResource password)
    : ExecutableResource(name, command, workingDirectory), IResourceWithConnectionString
{
    public const string EndpointName = "tcp";
    public const string SuperUser = "postgres";

    private readonly List<LocalPostgresDatabaseResource> _databases = [];

    public ParameterResource PasswordParameter { get; } = password;

    public EndpointReference PrimaryEndpoint => new(this, EndpointName);

    /// <summary>Every database created once the server is ready.</summary>
    public IReadOnlyList<LocalPostgresDatabaseResource> Databases => _databases;

    // The server listens on loopback without TLS or GSS: a client left to "prefer" them tries each in turn when it
    // opens a connection, which against a server that does not answer triples the wait before it gives up.
    public ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create(
            $"Host=127.0.0.1;Port={PrimaryEndpoint.Property(EndpointProperty.Port)};Username={SuperUser};Password={PasswordParameter};SSL Mode=Disable;GSS Encryption Mode=Disable");

    internal void AddDatabase(LocalPostgresDatabaseResource database) => _databases.Add(database);
}

/// <summary>
/// A database on a <see cref="LocalPostgresServerResource"/>, created when the server is ready, with an owner role
/// and a runtime role of its own (<see cref="Aspire.Hosting.DatabaseRoles"/>). Its connection string names the
/// superuser, for the AppHost's own administration and the tests' checks; the service that uses it gets
/// <see cref="RuntimeConnectionStringExpression"/>, which names its passfile and holds no password.
/// </summary>
public sealed class LocalPostgresDatabaseResource(string name, string databaseName, LocalPostgresServerResource parent, string passFile)
    : Resource(name), IResourceWithParent<LocalPostgresServerResource>, IResourceWithConnectionString
{
    private readonly TaskCompletionSource _provisioned = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string DatabaseName { get; } = databaseName;

    public LocalPostgresServerResource Parent { get; } = parent;

    /// <summary>Owns the database and its schemas; the service's migrations run as it.</summary>
    public string OwnerRole => $"{DatabaseName}_owner";

    /// <summary>What the service does its work as: reads and writes rows, changes no schema.</summary>
    public string RuntimeRole => $"{DatabaseName}_runtime";

    /// <summary>Both roles' passwords, in PostgreSQL's pgpass format (Npgsql's <c>Passfile</c>).</summary>
    public string PassFile { get; } = passFile;

    public ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"{Parent.ConnectionStringExpression};Database={DatabaseName}");

    public ReferenceExpression RuntimeConnectionStringExpression =>
        ReferenceExpression.Create(
            $"Host=127.0.0.1;Port={Parent.PrimaryEndpoint.Property(EndpointProperty.Port)};Username={RuntimeRole};Passfile={PassFile};Database={DatabaseName};SSL Mode=Disable;GSS Encryption Mode=Disable");

    /// <summary>Completes once the roles and privileges are in place, this start.</summary>
    public Task Provisioned => _provisioned.Task;

    internal void MarkProvisioned() => _provisioned.TrySetResult();
}
