using Npgsql;

namespace Platform.Data.Migrations;

/// <summary>
/// What the start-up step (migrations and seeds) connects through. Where <c>Database:MigrationUsername</c> is set
/// (the AppHost sets the database's owner role), it logs in as that role, with the password from the same passfile,
/// while the service's own <see cref="NpgsqlDataSource"/> does its work as a role that cannot change the schema.
/// Otherwise it is the service's own data source.
/// </summary>
public sealed class MigrationDataSource : IAsyncDisposable
{
    public const string UsernameSetting = "Database:MigrationUsername";

    private readonly bool _owned;

    private MigrationDataSource(NpgsqlDataSource dataSource, bool owned)
    {
        DataSource = dataSource;
        _owned = owned;
    }

    public NpgsqlDataSource DataSource { get; }

    /// <summary>The service's own data source, for a database whose schema the service's role owns.</summary>
    public static MigrationDataSource SameAs(NpgsqlDataSource dataSource) => new(dataSource, owned: false);

    /// <summary>A data source of its own, logging in as <paramref name="username"/>; everything else as the service's.</summary>
    public static MigrationDataSource As(string connectionString, string username)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { Username = username, Pooling = false };
        return new(NpgsqlDataSource.Create(builder), owned: true);
    }

    public async ValueTask DisposeAsync()
    {
        if (_owned) await DataSource.DisposeAsync();
    }
}
