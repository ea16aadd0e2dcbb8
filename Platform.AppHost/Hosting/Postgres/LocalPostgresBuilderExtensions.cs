using System.Security.Cryptography;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace Aspire.Hosting;

/// <summary>
/// PostgreSQL 15 from the machine's packages, as Aspire's PostgreSQL integration is from a container:
/// <c>AddLocalPostgres("postgres").AddDatabase("practicesdb", "practices")</c>. The cluster is initialised on first
/// start under the state folder, with a random superuser password kept beside it (<c>.state/postgres/password</c>);
/// it listens on 127.0.0.1 only, with password (scram-sha-256) logins.
/// </summary>
public static class LocalPostgresBuilderExtensions
{
    private const string InstallHint = "run scripts/install-prerequisites.sh (apt-get install postgresql-15), or set Postgres:BinDirectory";

    public static IResourceBuilder<LocalPostgresServerResource> AddLocalPostgres(
        this IDistributedApplicationBuilder builder, [ResourceName] string name, int defaultPort = 5432)
    {
        var settings = builder.Configuration.GetSection("Postgres");
        var binaries = settings["BinDirectory"] ?? "/usr/lib/postgresql/15/bin";
        var account = settings["Account"] ?? "postgres";
        var home = LocalServers.StateDirectory(builder, name, account);
        var data = Path.Combine(home, "data");
        var passwordFile = Path.Combine(home, "password");
        var durable = settings.GetValue("Durable", true);
        var password = builder.AddParameter($"{name}-password", PasswordOf(passwordFile, data), secret: true);

        var (command, prefix) = LocalServers.AsAccount(Path.Combine(binaries, "postgres"), account);
        var server = new LocalPostgresServerResource(name, command, home, password.Resource);

        // initdb runs before anything starts, so a missing binary or a failed initialisation stops the start with
        // its reason rather than leaving a server that never becomes healthy.
        builder.Eventing.Subscribe<BeforeStartEvent>((@event, _) =>
        {
            LocalServers.RequireFile(Path.Combine(binaries, "postgres"), "PostgreSQL 15", InstallHint);
            LocalServers.RequireFile(Path.Combine(binaries, "initdb"), "PostgreSQL 15 (initdb)", InstallHint);
            InitialiseCluster(binaries, passwordFile, data, account, durable);
            @event.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.Register(() => FastShutdown(data));
            return Task.CompletedTask;
        });

        builder.Eventing.Subscribe<ResourceReadyEvent>(server, async (@event, cancellationToken) =>
        {
            // Right after a start on a busy machine a login can outlast the short connect timeout (seen in CI, during
            // SCRAM authentication). Provisioning is idempotent, it runs on every start, so a transient failure is
            // tried again rather than leaving the databases unprovisioned and the services waiting for ever.
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await ProvisionAsync(server, cancellationToken);
                    return;
                }
                catch (NpgsqlException exception) when (exception.IsTransient && attempt < ProvisioningAttempts)
                {
                    await Task.Delay(TimeSpan.FromSeconds(attempt), cancellationToken);
                }
            }
        });

        var healthCheck = $"{name}_check";
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(healthCheck,
            _ => new ConnectsCheck(async cancellationToken => await AdminConnectionStringAsync(server, cancellationToken)), null, null));

        List<string> arguments =
        [
            .. prefix, "-D", data,
            "-c", "listen_addresses=127.0.0.1",
            "-c", "unix_socket_directories=", // TCP only: the default socket folder may not exist or be writable
            "-c", "logging_collector=off", // logs go to stderr, so to the dashboard's console view
        ];
        if (!durable)
        {
            // Throw-away test data need not survive a power cut; skipping fsync makes schema-heavy tests much faster.
            arguments.AddRange(["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"]);
        }

        return builder.AddResource(server)
            .WithArgs([.. arguments])
            .WithEndpoint(port: LocalServers.Port(builder, name, LocalPostgresServerResource.EndpointName, defaultPort),
                name: LocalPostgresServerResource.EndpointName, scheme: "tcp", env: "PGPORT", isProxied: false)
            .WithIconName("DatabaseMultiple")
            .WithHealthCheck(healthCheck);
    }

    /// <summary>
    /// A database on the server, created once it is ready with its owner and runtime roles; healthy once its runtime
    /// role logs in. Its passfile is kept in <c>.state/&lt;name&gt;/pgpass</c>.
    /// </summary>
    public static IResourceBuilder<LocalPostgresDatabaseResource> AddDatabase(
        this IResourceBuilder<LocalPostgresServerResource> builder, [ResourceName] string name, string? databaseName = null)
    {
        var passFile = Path.Combine(LocalServers.StateDirectory(builder.ApplicationBuilder, name, account: null), "pgpass");
        var database = new LocalPostgresDatabaseResource(name, databaseName ?? name, builder.Resource, passFile);
        builder.Resource.AddDatabase(database);
        // Made now, so the file is there before any service reads it.
        DatabaseRoles.KeptPasswords(database);
        var healthCheck = $"{name}_check";
        // Healthy once its roles are in place and the service's own role logs in.
        builder.ApplicationBuilder.Services.AddHealthChecks().Add(new HealthCheckRegistration(healthCheck,
            _ => new ConnectsCheck(async cancellationToken => database.Provisioned.IsCompleted
                ? await database.RuntimeConnectionStringExpression.GetValueAsync(cancellationToken) + AppHostConnection
                : null), null, null));
        // The orchestrator runs the server, not the database: the database's state follows the server's (Aspire does
        // this itself only for children of containers), and its health check says when it exists.
        builder.ApplicationBuilder.Eventing.Subscribe<InitializeResourceEvent>(database, (@event, cancellationToken) =>
        {
            _ = FollowParentStateAsync(@event.Notifications, database, cancellationToken);
            return Task.CompletedTask;
        });
        return builder.ApplicationBuilder.AddResource(database).WithHealthCheck(healthCheck);
    }

    private static async Task FollowParentStateAsync(ResourceNotificationService notifications, LocalPostgresDatabaseResource database, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var update in notifications.WatchAsync(cancellationToken))
            {
                if (update.Resource != database.Parent) continue;
                var server = update.Snapshot;
                await notifications.PublishUpdateAsync(database, snapshot => snapshot with
                {
                    State = server.State,
                    StartTimeStamp = server.StartTimeStamp,
                    StopTimeStamp = server.StopTimeStamp,
                });
            }
        }
        catch (OperationCanceledException)
        {
            // the app is stopping
        }
    }

    /// <summary>Creates the database unless it exists (an identifier cannot be a parameter, so it is quoted).</summary>
    public static async Task CreateDatabaseAsync(NpgsqlConnection connection, string databaseName, CancellationToken cancellationToken)
    {
        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = $1", connection);
        exists.Parameters.AddWithValue(databaseName);
        if (await exists.ExecuteScalarAsync(cancellationToken) is not null) return;
        await using var create = new NpgsqlCommand($"CREATE DATABASE \"{databaseName.Replace("\"", "\"\"", StringComparison.Ordinal)}\"", connection);
        try
        {
            await create.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.DuplicateDatabase)
        {
            // created concurrently: just as good
        }
    }

    // The AppHost's own connections are unpooled, so none of them keeps a stopping server waiting, and give up soon.
    private const string AppHostConnection = ";Pooling=false;Timeout=3";

    private const int ProvisioningAttempts = 5;

    private static async Task ProvisionAsync(LocalPostgresServerResource server, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(await AdminConnectionStringAsync(server, cancellationToken));
        await connection.OpenAsync(cancellationToken);
        foreach (var database in server.Databases)
        {
            await DatabaseRoles.ProvisionAsync(connection, database, async (name, cancellation) =>
            {
                var inDatabase = new NpgsqlConnection(await server.ConnectionStringExpression.GetValueAsync(cancellation)
                    + $";Database={name}" + AppHostConnection);
                await inDatabase.OpenAsync(cancellation);
                return inDatabase;
            }, cancellationToken);
            database.MarkProvisioned();
        }
    }

    private static async Task<string> AdminConnectionStringAsync(LocalPostgresServerResource server, CancellationToken cancellationToken) =>
        await server.ConnectionStringExpression.GetValueAsync(cancellationToken) + ";Database=postgres" + AppHostConnection;

    private static bool IsCluster(string data) => File.Exists(Path.Combine(data, "PG_VERSION"));

    /// <summary>The superuser password kept beside the data; a new one when there is no cluster yet.</summary>
    private static string PasswordOf(string file, string data)
    {
        if (IsCluster(data))
        {
            return File.Exists(file)
                ? File.ReadAllText(file).Trim()
                : throw new DistributedApplicationException($"{file} is missing, so the superuser password of {data} is unknown: delete {Path.GetDirectoryName(file)} to start from empty.");
        }

        var password = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        File.WriteAllText(file, password);
        File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return password;
    }

    private static void InitialiseCluster(string binaries, string passwordFile, string data, string account, bool durable)
    {
        if (IsCluster(data)) return;
        if (Directory.Exists(data)) Directory.Delete(data, recursive: true); // an interrupted initdb, not a cluster

        if (LocalServers.IsRoot) LocalServers.Run("chown", $"{account}:", passwordFile);
        var (command, prefix) = LocalServers.AsAccount(Path.Combine(binaries, "initdb"), account);
        LocalServers.Run(command,
        [
            .. prefix, "-D", data, "-U", LocalPostgresServerResource.SuperUser, "--pwfile", passwordFile,
            "--auth", "scram-sha-256", "--encoding", "UTF8", "--locale", "C", "--no-instructions",
            .. durable ? Array.Empty<string>() : ["--no-sync"],
        ]);
    }

    /// <summary>
    /// The orchestrator stops a process with SIGTERM, which for PostgreSQL is a "smart" shutdown: it waits for every
    /// client to disconnect, and the services' pooled connections outlast the orchestrator's patience, so it ends up
    /// killed and the next start needs crash recovery. So when the AppHost stops, before the orchestrator does, the
    /// server gets SIGINT, its "fast" shutdown (open transactions roll back, then a checkpoint), and a few seconds to
    /// finish: it removes postmaster.pid when it has.
    /// </summary>
    private static void FastShutdown(string data)
    {
        var pidFile = Path.Combine(data, "postmaster.pid");
        if (!File.Exists(pidFile) || !int.TryParse(File.ReadLines(pidFile).FirstOrDefault(), out var pid)) return;
        if (Kill(pid, SignalInterrupt) != 0) return; // not running
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (File.Exists(pidFile) && DateTime.UtcNow < deadline) Thread.Sleep(50);
    }

    private const int SignalInterrupt = 2;

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);

    /// <summary>Healthy when a connection opens and answers: the only readiness that means something to a client.</summary>
    /// <remarks>A null connection string means the database is not ready to be connected to yet.</remarks>
    private sealed class ConnectsCheck(Func<CancellationToken, Task<string?>> connectionString) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                if (await connectionString(cancellationToken) is not { } ready) return HealthCheckResult.Unhealthy("Not provisioned yet.");
                await using var connection = new NpgsqlConnection(ready);
                await connection.OpenAsync(cancellationToken);
                await using var command = new NpgsqlCommand("SELECT 1", connection);
                await command.ExecuteScalarAsync(cancellationToken);
                return HealthCheckResult.Healthy();
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException)
            {
                return HealthCheckResult.Unhealthy(e.Message, e);
            }
        }
    }
}
