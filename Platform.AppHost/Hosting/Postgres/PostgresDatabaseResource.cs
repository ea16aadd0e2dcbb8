namespace Platform.AppHost.Hosting;

/// <summary>A database on a <see cref="PostgresServerResource"/>, created if missing once the server is healthy.</summary>
public sealed class PostgresDatabaseResource : Resource, IResourceWithConnectionString
{
    public PostgresDatabaseResource(string name, string databaseName, PostgresServerResource server)
        : base(name)
    {
        if (databaseName.Length is 0 or > 63)
        {
            throw new ArgumentException($"Database name '{databaseName}' must be 1-63 characters (PostgreSQL's identifier limit).", nameof(databaseName));
        }

        DatabaseName = databaseName;
        Server = server;
    }

    public override string Type => "PostgreSQL database";

    public string DatabaseName { get; }

    public PostgresServerResource Server { get; }

    internal override Resource Parent => Server;

    public string GetConnectionString() => Server.GetConnectionString(DatabaseName);

    internal override Task StartAsync(AppHostContext context, CancellationToken cancellationToken) =>
        Server.CreateDatabaseAsync(DatabaseName, cancellationToken);

    // The database lives as long as its server; there is nothing of its own to stop.
    internal override Task StopAsync(AppHostContext context) => Task.CompletedTask;
}
