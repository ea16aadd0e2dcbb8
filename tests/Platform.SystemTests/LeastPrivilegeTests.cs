using Npgsql;
using Platform.Testing;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;
using Shouldly;

namespace Platform.SystemTests;

/// <summary>
/// Each service works as a PostgreSQL role that can read and write its own rows and nothing more, and as a RabbitMQ
/// user limited to its own queues; the owner role that runs migrations and the broker's administrator are kept from
/// them, and guest does not exist. The checks log in as those roles with the passwords the AppHost kept.
/// </summary>
public sealed class LeastPrivilegeTests(SystemFixture platform)
{
    private const string PermissionDenied = "42501";
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public static TheoryData<string, string> Databases => new() { { "practicesdb", "practices" }, { "financedb", "finance" } };

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task A_runtime_role_is_no_superuser_nor_owner_and_cannot_change_the_schema(string resource, string database)
    {
        await using var connection = await ConnectAsync(resource, database, $"{database}_runtime");

        (await ScalarAsync<bool>(connection, "SELECT rolsuper OR rolcreatedb OR rolcreaterole OR rolbypassrls FROM pg_roles WHERE rolname = current_user"))
            .ShouldBeFalse();
        (await ScalarAsync<string>(connection, "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = current_database()"))
            .ShouldBe($"{database}_owner");
        (await ScalarAsync<long>(connection, "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            + "WHERE pg_get_userbyid(c.relowner) = current_user OR pg_get_userbyid(n.nspowner) = current_user")).ShouldBe(0);

        foreach (var statement in new[]
        {
            "CREATE TABLE public.intruder (id int)",
            "CREATE SCHEMA intruder",
            "DROP TABLE platform.schema_versions",
            "ALTER TABLE platform.schema_versions ADD COLUMN intruder int",
            "TRUNCATE platform.schema_versions",
            "CREATE TEMPORARY TABLE intruder (id int)",
        })
        {
            var refused = await Should.ThrowAsync<PostgresException>(() => ExecuteAsync(connection, statement), statement);
            refused.SqlState.ShouldBe(PermissionDenied, statement);
        }

        // It reads and writes the rows of its own tables.
        (await ScalarAsync<long>(connection, "SELECT count(*) FROM platform.schema_versions")).ShouldBeGreaterThan(0);
    }

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task A_service_role_reaches_no_other_database(string resource, string database)
    {
        var others = new[] { "postgres", "template1", database == "practices" ? "finance" : "practices" };
        foreach (var role in new[] { $"{database}_runtime", $"{database}_owner" })
        foreach (var other in others)
        {
            var refused = await Should.ThrowAsync<PostgresException>(async () => await ConnectAsync(resource, other, role), $"{role} to {other}");
            refused.SqlState.ShouldBe(PermissionDenied, $"{role} to {other}");
        }
    }

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task Schemas_a_migration_adds_are_granted_by_default_and_audit_is_append_only(string resource, string database)
    {
        // As the owner, as a migration runs; rolled back, so nothing is left behind.
        await using var connection = await ConnectAsync(resource, database, $"{database}_owner");
        await using var transaction = await connection.BeginTransactionAsync(Cancellation);
        await ExecuteAsync(connection, """
            CREATE SCHEMA IF NOT EXISTS audit;
            CREATE TABLE audit.privilege_probe (id bigint GENERATED ALWAYS AS IDENTITY, what text);
            CREATE SCHEMA privilege_probe;
            CREATE TABLE privilege_probe.rows (id bigint GENERATED ALWAYS AS IDENTITY, what text);
            CREATE SEQUENCE privilege_probe.numbers;
            CREATE TABLE public.privilege_probe (id int);
            """);
        var runtime = $"{database}_runtime";

        async Task<bool> May(string table, string privilege) =>
            await ScalarAsync<bool>(connection, $"SELECT has_table_privilege('{runtime}', '{table}', '{privilege}')");

        foreach (var table in new[] { "privilege_probe.rows", "public.privilege_probe" })
        {
            foreach (var privilege in new[] { "SELECT", "INSERT", "UPDATE", "DELETE" }) (await May(table, privilege)).ShouldBeTrue($"{privilege} on {table}");
            foreach (var privilege in new[] { "TRUNCATE", "REFERENCES", "TRIGGER" }) (await May(table, privilege)).ShouldBeFalse($"{privilege} on {table}");
        }

        foreach (var privilege in new[] { "SELECT", "INSERT" }) (await May("audit.privilege_probe", privilege)).ShouldBeTrue(privilege);
        foreach (var privilege in new[] { "UPDATE", "DELETE", "TRUNCATE" }) (await May("audit.privilege_probe", privilege)).ShouldBeFalse(privilege);

        (await ScalarAsync<bool>(connection, $"SELECT has_schema_privilege('{runtime}', 'privilege_probe', 'USAGE')")).ShouldBeTrue();
        (await ScalarAsync<bool>(connection, $"SELECT has_schema_privilege('{runtime}', 'privilege_probe', 'CREATE')")).ShouldBeFalse();
        (await ScalarAsync<bool>(connection, $"SELECT has_sequence_privilege('{runtime}', 'privilege_probe.numbers', 'USAGE')")).ShouldBeTrue();
        (await ScalarAsync<bool>(connection, $"SELECT has_sequence_privilege('{runtime}', 'audit.privilege_probe_id_seq', 'USAGE')")).ShouldBeTrue();
        await transaction.RollbackAsync(Cancellation);
    }

    [Fact]
    public async Task What_the_superuser_made_passes_to_the_owner_when_the_server_is_next_ready()
    {
        // A database from before the roles existed: the superuser made its schemas and tables.
        await using var admin = NpgsqlDataSource.Create(platform.ConnectionString("practicesdb") + ";Pooling=false");
        await using (var legacy = admin.CreateCommand("""
            CREATE SCHEMA legacy_probe;
            CREATE TABLE legacy_probe.rows (id bigint GENERATED ALWAYS AS IDENTITY, what text);
            CREATE TABLE public.legacy_probe (id int);
            """))
        {
            await legacy.ExecuteNonQueryAsync(Cancellation);
        }

        try
        {
            await platform.StopAsync("postgres", Cancellation);
            await platform.StartAsync("postgres", Cancellation);

            await using var owners = admin.CreateCommand("""
                SELECT string_agg(DISTINCT pg_get_userbyid(owner), ',') FROM (
                    SELECT nspowner AS owner FROM pg_namespace WHERE nspname = 'legacy_probe'
                    UNION ALL SELECT relowner FROM pg_class
                    WHERE oid IN ('legacy_probe.rows'::regclass, 'legacy_probe.rows_id_seq'::regclass, 'public.legacy_probe'::regclass)) o
                """);
            await Eventually.Until(async () => (string)(await owners.ExecuteScalarAsync(Cancellation))!, owner => owner == "practices_owner",
                "the legacy objects owned by practices_owner", TimeSpan.FromSeconds(60));
            await using var runtime = await ConnectAsync("practicesdb", "practices", "practices_runtime");
            await ExecuteAsync(runtime, "INSERT INTO legacy_probe.rows (what) VALUES ('x'); UPDATE legacy_probe.rows SET what = 'y'; DELETE FROM legacy_probe.rows");
        }
        finally
        {
            await using var drop = admin.CreateCommand("DROP SCHEMA legacy_probe CASCADE; DROP TABLE public.legacy_probe");
            await drop.ExecuteNonQueryAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task Each_service_is_connected_as_its_runtime_role_only()
    {
        // Each service reads its database, so it holds a pooled connection even just after another test restarted
        // PostgreSQL and closed them all (seen in CI); until the restart is over, the reads (or the token for them) fail.
        var registry = new Llr.Practices.V1.PracticeRegistryService.PracticeRegistryServiceClient(platform.CallsTo("practices"));
        var finance = new Llr.Finance.V1.FinanceService.FinanceServiceClient(platform.CallsTo("finance"));
        await Eventually.Until(async () =>
        {
            try
            {
                await registry.GetPcnAsync(new Llr.Practices.V1.GetPcnRequest { Name = "pcns/salutem" }, cancellationToken: Cancellation);
                await finance.GetPcnAllocationAsync(new Llr.Finance.V1.GetPcnAllocationRequest { Name = "pcns/salutem/allocations/2021-22" }, cancellationToken: Cancellation);
                return true;
            }
            catch (Grpc.Core.RpcException)
            {
                return false;
            }
        }, read => read, "both services reading their databases", TimeSpan.FromSeconds(60));

        var sessions = await SessionsAsync();

        sessions.ShouldBe(["finance as finance_runtime", "practices as practices_runtime"], ignoreOrder: true);
    }

    /// <summary>Who is connected to the services' databases, as "database as role", other than the superuser.</summary>
    private async Task<List<string>> SessionsAsync()
    {
        await using var admin = NpgsqlDataSource.Create(platform.ConnectionString("postgres") + ";Database=postgres;Pooling=false");
        await using var command = admin.CreateCommand(
            "SELECT DISTINCT datname, usename FROM pg_stat_activity WHERE datname IN ('practices', 'finance') AND usename <> 'postgres'");
        await using var reader = await command.ExecuteReaderAsync(Cancellation);
        var sessions = new List<string>();
        while (await reader.ReadAsync(Cancellation)) sessions.Add($"{reader.GetString(0)} as {reader.GetString(1)}");
        return sessions;
    }

    [Fact]
    public async Task A_services_broker_user_cannot_read_another_services_queue_nor_publish_its_events()
    {
        await using var practices = await BrokerAsync("practices");
        await using (var channel = await practices.CreateChannelAsync(cancellationToken: Cancellation))
        {
            var refused = await Should.ThrowAsync<OperationInterruptedException>(() => channel.BasicGetAsync("finance-registry-events", autoAck: false, Cancellation));
            refused.ShutdownReason!.ReplyCode.ShouldBe((ushort)403);
        }

        await using (var channel = await practices.CreateChannelAsync(cancellationToken: Cancellation))
        {
            var refused = await Should.ThrowAsync<OperationInterruptedException>(() => channel.QueueDeclareAsync("finance-intruder", cancellationToken: Cancellation));
            refused.ShutdownReason!.ReplyCode.ShouldBe((ushort)403);
        }

        await using var finance = await BrokerAsync("finance");
        await using (var channel = await finance.CreateChannelAsync(cancellationToken: Cancellation))
        {
            // Its own queue it may read.
            await channel.BasicGetAsync("finance-registry-events", autoAck: false, Cancellation);
            // Publishing the registry's events is the registry's alone: refused when the broker checks the publish.
            await channel.BasicPublishAsync("Platform.Contracts.Practices.V1:PracticeTransferred", "", true, new BasicProperties(), "{}"u8.ToArray(), Cancellation);
            var refused = await Should.ThrowAsync<OperationInterruptedException>(async () =>
            {
                for (var attempt = 0; attempt < 50; attempt++)
                {
                    await channel.QueueDeclarePassiveAsync("finance-registry-events", Cancellation);
                    await Task.Delay(100, Cancellation);
                }
            });
            refused.ShutdownReason!.ReplyCode.ShouldBe((ushort)403);
        }
    }

    [Fact]
    public async Task Guest_cannot_log_in()
    {
        var port = new Uri(platform.ConnectionString("messaging")).Port;
        var factory = new ConnectionFactory { Uri = new Uri($"amqp://guest:guest@127.0.0.1:{port}/"), AutomaticRecoveryEnabled = false };
        await Should.ThrowAsync<BrokerUnreachableException>(() => factory.CreateConnectionAsync(Cancellation));
    }

    private async Task<IConnection> BrokerAsync(string service)
    {
        var password = (await File.ReadAllTextAsync(Path.Combine(platform.StateDirectory, service, "messaging-password"), Cancellation)).Trim();
        var port = new Uri(platform.ConnectionString("messaging")).Port;
        var factory = new ConnectionFactory
        {
            Uri = new Uri($"amqp://{service}:{password}@127.0.0.1:{port}/"),
            AutomaticRecoveryEnabled = false,
        };
        return await factory.CreateConnectionAsync(Cancellation);
    }

    /// <summary>
    /// A connection to <paramref name="database"/> as <paramref name="role"/>, with the password the AppHost kept in the
    /// passfile of <paramref name="resource"/>, the role's own database.
    /// </summary>
    private async Task<NpgsqlConnection> ConnectAsync(string resource, string database, string role)
    {
        var passwords = (await File.ReadAllLinesAsync(Path.Combine(platform.StateDirectory, resource, "pgpass"), Cancellation))
            .Select(line => line.Split(':')).ToDictionary(fields => fields[3], fields => fields[4]);
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(platform.ConnectionString("postgres"))
        {
            Username = role,
            Password = passwords[role],
            Database = database,
            Pooling = false,
        }.ConnectionString);
        try
        {
            await connection.OpenAsync(Cancellation);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(Cancellation);
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync(Cancellation))!;
    }
}
