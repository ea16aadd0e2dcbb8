using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Platform.Data.Migrations;
using Platform.Data.Seeding;
using Platform.Messaging.Tests.Infrastructure;
using Platform.Testing;
using Shouldly;

namespace Platform.Messaging.Tests;

/// <summary>
/// The one start-up step (PrepareDatabaseAsync) over real PostgreSQL, wired as a service wires it: the platform's
/// tables, the messaging block's and a service's own (this assembly's Migrations/*.sql), then its seed data.
/// </summary>
public sealed class SchemaMigrationTests(MessagingFixture servers) : IDisposable
{
    private static readonly string[] ServiceScripts = ["0001_ledger", "0002_ledger_notes"];

    /// <summary>Every script a service with messaging runs: Platform.Data's, Platform.Messaging's, then its own.</summary>
    private static readonly string[] AllScripts = ["0001_platform", "0002_audit", "0001_messaging", "0002_outbox_times", .. ServiceScripts];

    private readonly string _seedDirectory = Directory.CreateTempSubdirectory("ledger-seed").FullName;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_fresh_database_gets_every_table_in_order()
    {
        var database = await servers.CreateDatabaseAsync(cancellationToken: Cancellation);
        using var service = Service(database);

        await service.PrepareDatabaseAsync(Cancellation);

        await using var dataSource = NpgsqlDataSource.Create(database);
        foreach (var table in new[] { "platform.idempotent_requests", "platform.seed_loads", "platform.schema_versions",
                     "messaging.outbox", "messaging.inbox", "audit.records", "public.ledger" })
            (await Scalar<bool>(dataSource, $"SELECT to_regclass('{table}') IS NOT NULL")).ShouldBeTrue(table);
        foreach (var index in new[] { "idempotent_requests_created_at_idx", "outbox_pending_idx", "outbox_dispatched_at_idx",
                     "inbox_processed_at_idx" })
            (await Scalar<long>(dataSource, $"SELECT count(*) FROM pg_indexes WHERE indexname = '{index}'")).ShouldBe(1, index);
        (await Scalar<long>(dataSource, "SELECT count(*) FROM pg_trigger WHERE tgname = 'outbox_notify'")).ShouldBe(1);
        (await Scalar<long>(dataSource, "SELECT count(*) FROM information_schema.columns WHERE table_name = 'ledger' AND column_name = 'note'"))
            .ShouldBe(1);

        // The platform's first, then the building blocks', then the service's own, each in file-name order.
        var applied = await service.Services.GetRequiredService<DatabaseMigrator>().AppliedAsync(Cancellation);
        applied.Select(FileId).ShouldBe(AllScripts);
    }

    [Fact]
    public async Task A_database_made_by_the_previous_runner_migrates_without_running_its_scripts_again()
    {
        var database = await servers.CreateDatabaseAsync(cancellationToken: Cancellation);
        await using var dataSource = NpgsqlDataSource.Create(database);
        // What main's code left: its building blocks' tables, the service's first script run and recorded by id,
        // and rows in them. 0001_ledger is not idempotent, so running it again would fail the start.
        await Execute(dataSource, LegacySchema());
        await Execute(dataSource, ServiceScript("0001_ledger"));
        await Execute(dataSource, """
            INSERT INTO platform.schema_migrations (id) VALUES ('0001_ledger');
            INSERT INTO ledger (entry, amount) VALUES ('kept', 1.50);
            INSERT INTO messaging.outbox (id, message_type, body) VALUES (gen_random_uuid(), 'Kept', '{}');
            """);
        using var service = Service(database);

        await service.PrepareDatabaseAsync(Cancellation);

        var applied = await service.Services.GetRequiredService<DatabaseMigrator>().AppliedAsync(Cancellation);
        applied.Select(FileId).Order(StringComparer.Ordinal).ShouldBe(
            AllScripts.Order(StringComparer.Ordinal));
        (await Scalar<bool>(dataSource, "SELECT to_regclass('platform.schema_migrations') IS NULL")).ShouldBeTrue();
        (await Scalar<string>(dataSource, "SELECT entry || ' ' || amount || ' ' || coalesce(note, '-') FROM ledger"))
            .ShouldBe("kept 1.50 -");
        (await Scalar<long>(dataSource, "SELECT count(*) FROM messaging.outbox")).ShouldBe(1);
        (await Scalar<bool>(dataSource, "SELECT to_regclass('platform.seed_loads') IS NOT NULL")).ShouldBeTrue();

        // And the next start finds nothing to do.
        using var restarted = Service(database);
        await restarted.PrepareDatabaseAsync(Cancellation);
        (await restarted.Services.GetRequiredService<DatabaseMigrator>().AppliedAsync(Cancellation)).Count.ShouldBe(AllScripts.Length);
    }

    [Fact]
    public async Task Two_instances_starting_at_once_migrate_and_seed_once()
    {
        var database = await servers.CreateDatabaseAsync(cancellationToken: Cancellation);
        WriteSeed("entry,amount\nrent,100.25\nrates,-3.5\n");
        using var first = Service(database, seeded: true);
        using var second = Service(database, seeded: true);

        // Were both to migrate, the second CREATE TABLE ledger would fail; were both to seed, the second insert would.
        await Task.WhenAll(first.PrepareDatabaseAsync(Cancellation), second.PrepareDatabaseAsync(Cancellation));

        await using var dataSource = NpgsqlDataSource.Create(database);
        (await first.Services.GetRequiredService<DatabaseMigrator>().AppliedAsync(Cancellation)).Count.ShouldBe(AllScripts.Length);
        (await Scalar<long>(dataSource, "SELECT count(*) FROM ledger")).ShouldBe(2);
        (await Scalar<long>(dataSource, "SELECT count(*) FROM platform.seed_loads")).ShouldBe(1);
    }

    [Fact]
    public async Task Seeding_twice_loads_once_and_a_changed_file_is_not_loaded_over_the_data()
    {
        var database = await servers.CreateDatabaseAsync(cancellationToken: Cancellation);
        WriteSeed("entry,amount\nrent,100.25\n");
        using var service = Service(database, seeded: true);
        await service.PrepareDatabaseAsync(Cancellation);
        var loader = service.Services.GetRequiredService<SeedDataLoader>();
        var seed = service.Services.GetServices<ISeedData>().Single();
        var fingerprint = SeedDataLoader.Fingerprint(seed);
        await using var dataSource = NpgsqlDataSource.Create(database);
        // The service owns the rows once loaded.
        await Execute(dataSource, "UPDATE ledger SET amount = 120 WHERE entry = 'rent'");

        (await loader.LoadAsync(seed, Cancellation)).ShouldBeFalse();
        WriteSeed("entry,amount\nrent,100.25\nrates,7\n");
        (await loader.LoadAsync(seed, Cancellation)).ShouldBeFalse();

        (await Scalar<string>(dataSource, "SELECT string_agg(entry || '=' || amount, ',') FROM ledger")).ShouldBe("rent=120");
        (await Scalar<string>(dataSource, "SELECT fingerprint FROM platform.seed_loads WHERE name = 'test-ledger'"))
            .ShouldBe(fingerprint);

        // A seed recorded before fingerprints were kept (Finance's rates) takes the files' fingerprint as they are now.
        await Execute(dataSource, "UPDATE platform.seed_loads SET fingerprint = NULL");
        (await loader.LoadAsync(seed, Cancellation)).ShouldBeFalse();
        (await Scalar<string>(dataSource, "SELECT fingerprint FROM platform.seed_loads")).ShouldBe(SeedDataLoader.Fingerprint(seed));
        (await Scalar<long>(dataSource, "SELECT count(*) FROM ledger")).ShouldBe(1);
    }

    public void Dispose() => Directory.Delete(_seedDirectory, recursive: true);

    // A service as its AddApplicationServices wires it: messaging (which brings its scripts), its own migrations, its seed.
    private IHost Service(string connectionString, bool seeded = false)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            ApplicationName = "Platform.Messaging.Tests",
            EnvironmentName = Environments.Development,
            DisableDefaults = true,
        });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:messaging"] = servers.AmqpUri });
        builder.Logging.AddProvider(new XunitLoggerProvider(TestContext.Current.TestOutputHelper!));
        builder.Services.AddSingleton(_ => NpgsqlDataSource.Create(connectionString));
        builder.AddMessaging();
        builder.AddMigrations(typeof(SchemaMigrationTests).Assembly);
        if (seeded) builder.Services.AddSingleton<ISeedData>(new LedgerSeed(_seedDirectory));

        return builder.Build();
    }

    private void WriteSeed(string csv) => File.WriteAllText(Path.Combine(_seedDirectory, "ledger.csv"), csv);

    private static string FileId(string scriptName) => scriptName.Split('.')[^2];

    private static string LegacySchema() => Resource("LegacySchema.before_dbup.sql.txt");

    private static string ServiceScript(string id) => Resource($"Migrations.{id}.sql");

    private static string Resource(string name)
    {
        using var stream = typeof(SchemaMigrationTests).Assembly.GetManifestResourceStream($"Platform.Messaging.Tests.{name}")
            ?? throw new InvalidOperationException($"No resource {name}.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private static async Task Execute(NpgsqlDataSource dataSource, string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync(Cancellation);
    }

    private static async Task<T> Scalar<T>(NpgsqlDataSource dataSource, string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        return (T)(await command.ExecuteScalarAsync(Cancellation))!;
    }

    private sealed class LedgerSeed(string directory) : ISeedData
    {
        public string Name => "test-ledger";

        public string Directory => directory;

        public IReadOnlyList<string> Files { get; } = ["ledger.csv"];

        public void AddRows(SeedBatch batch)
        {
            foreach (var row in CsvTable.Read(Path.Combine(directory, "ledger.csv")).Rows)
                batch.Add("INSERT INTO ledger (entry, amount) VALUES ($1, $2)",
                    row["entry"], decimal.Parse(row["amount"], NumberStyles.Number, CultureInfo.InvariantCulture));
        }
    }
}
