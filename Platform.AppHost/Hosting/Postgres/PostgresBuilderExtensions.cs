namespace Platform.AppHost.Hosting;

public static class PostgresBuilderExtensions
{
    /// <summary>Adds a PostgreSQL server; <paramref name="port"/> is its fixed default port (null = any free port).</summary>
    public static IResourceBuilder<PostgresServerResource> AddPostgres(this DistributedApplicationBuilder builder, string name, int? port = null) =>
        builder.AddResource(new PostgresServerResource(name, port));

    /// <summary>
    /// Adds a database on the server, created if missing. Dependents referencing it get
    /// <c>ConnectionStrings__&lt;name&gt;</c>; <paramref name="databaseName"/> defaults to <paramref name="name"/>.
    /// </summary>
    public static IResourceBuilder<PostgresDatabaseResource> AddDatabase(this IResourceBuilder<PostgresServerResource> builder, string name, string? databaseName = null) =>
        builder.ApplicationBuilder.AddResource(new PostgresDatabaseResource(name, databaseName ?? name, builder.Resource));
}
