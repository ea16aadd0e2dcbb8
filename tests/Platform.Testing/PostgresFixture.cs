using Platform.AppHost.Hosting;

namespace Platform.Testing;

/// <summary>
/// Just a PostgreSQL server, for tests of a service's data access. Each test (or test class) takes a fresh database
/// with <see cref="CreateDatabaseAsync"/>, so tests never see each other's rows.
/// </summary>
public class PostgresFixture : AppHostFixture
{
    public const string PostgresName = "postgres";

    public PostgresServerResource Postgres => App.GetResource<PostgresServerResource>(PostgresName);

    /// <summary>The superuser's connection string to the server's default database.</summary>
    public string PostgresConnectionString => Postgres.GetConnectionString();

    /// <summary>Stops the server, as an outage or a restart would; tests that do this must not run beside others.</summary>
    public Task StopPostgresAsync() => App.StopResourceAsync(PostgresName);

    public Task StartPostgresAsync(CancellationToken cancellationToken = default) => App.StartResourceAsync(PostgresName, cancellationToken);

    /// <summary>A unique database name: a prefix (e.g. the service under test) and a random suffix.</summary>
    public static string UniqueDatabaseName(string prefix = "test") => $"{prefix}_{Guid.NewGuid():N}".ToLowerInvariant();

    /// <summary>Creates the database (a unique one when no name is given) and returns its connection string.</summary>
    public Task<string> CreateDatabaseAsync(string? name = null, CancellationToken cancellationToken = default) =>
        Postgres.CreateDatabaseAsync(name ?? UniqueDatabaseName(), cancellationToken);

    protected override void AddResources(DistributedApplicationBuilder builder) => builder.AddPostgres(PostgresName);
}
