using System.Security.Cryptography;
using System.Text;
using Aspire.Hosting.ApplicationModel;
using Npgsql;

namespace Aspire.Hosting;

/// <summary>
/// The two roles of each database: the owner (owns the database and its schemas; the service's migration step logs in
/// as it) and the runtime role the service does its work as (LOGIN, not superuser, not owner: CONNECT on its own
/// database, USAGE on its schemas, SELECT/INSERT/UPDATE/DELETE on tables and USAGE on sequences; SELECT and INSERT only
/// in a schema named <c>audit</c>, so audit rows are append-only). Made by the superuser each time the server is ready,
/// so an older database (made as the superuser) is taken over by its owner role the first time.
/// </summary>
internal static class DatabaseRoles
{
    /// <summary>The schema whose tables the runtime role may only read and append to.</summary>
    public const string AppendOnlySchema = "audit";

    // Superuser-owned and unusable by the service's roles: the function that grants on each new schema lives here.
    private const string PrivilegesSchema = "least_privilege";

    private const int ScramIterations = 4096;

    /// <summary>
    /// Both roles' passwords, from the database's passfile (PostgreSQL's pgpass format, which Npgsql reads through its
    /// <c>Passfile</c> setting); made once, readable by this account only, when it is not there yet.
    /// </summary>
    public static IReadOnlyDictionary<string, string> KeptPasswords(LocalPostgresDatabaseResource database)
    {
        var roles = new[] { database.OwnerRole, database.RuntimeRole };
        var kept = File.Exists(database.PassFile)
            ? File.ReadAllLines(database.PassFile).Select(line => line.Split(':')).Where(fields => fields.Length == 5)
                .ToDictionary(fields => fields[3], fields => fields[4])
            : [];
        if (roles.All(role => kept.TryGetValue(role, out var password) && password.Length >= 32)) return kept;

        var passwords = roles.ToDictionary(role => role, _ => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24)));
        // Any host and port, so the file survives the port moving; the database and role pin each line.
        File.WriteAllLines(database.PassFile, passwords.Select(role => $"*:*:{database.DatabaseName}:{role.Key}:{role.Value}"));
        File.SetUnixFileMode(database.PassFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return passwords;
    }

    /// <summary>
    /// Creates or updates the roles, the database and its privileges. <paramref name="server"/> is a superuser
    /// connection to the <c>postgres</c> database; <paramref name="connectTo"/> opens one to the given database.
    /// </summary>
    public static async Task ProvisionAsync(NpgsqlConnection server, LocalPostgresDatabaseResource database,
        Func<string, CancellationToken, Task<NpgsqlConnection>> connectTo, CancellationToken cancellationToken)
    {
        var passwords = KeptPasswords(database);
        string owner = Quote(database.OwnerRole), runtime = Quote(database.RuntimeRole), name = Quote(database.DatabaseName);

        // The passwords go over as SCRAM verifiers, so no statement ever carries one in clear (a failed statement is
        // logged with its text).
        await ExecuteAsync(server, $"""
            {CreateRoleUnlessExists(database.OwnerRole)}
            {CreateRoleUnlessExists(database.RuntimeRole)}
            ALTER ROLE {owner} WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS
                PASSWORD {Literal(ScramVerifier(passwords[database.OwnerRole]))};
            ALTER ROLE {runtime} WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS
                PASSWORD {Literal(ScramVerifier(passwords[database.RuntimeRole]))};
            -- Every database is closed to PUBLIC, so each role reaches only the database it is given.
            REVOKE CONNECT, TEMPORARY ON DATABASE postgres FROM PUBLIC;
            REVOKE CONNECT, TEMPORARY ON DATABASE template1 FROM PUBLIC;
            """, cancellationToken);
        await LocalPostgresBuilderExtensions.CreateDatabaseAsync(server, database.DatabaseName, cancellationToken);
        await ExecuteAsync(server, $"""
            ALTER DATABASE {name} OWNER TO {owner};
            REVOKE ALL ON DATABASE {name} FROM PUBLIC;
            """, cancellationToken);

        await using var connection = await connectTo(database.DatabaseName, cancellationToken);
        await ExecuteAsync(connection, InDatabase(database), cancellationToken);
        // Last, so the runtime role cannot log in to a database whose privileges are not yet in place.
        await ExecuteAsync(server, $"GRANT CONNECT ON DATABASE {name} TO {runtime};", cancellationToken);
    }

    /// <summary>
    /// Inside the database: objects made before the roles existed (by the superuser) pass to the owner; every schema
    /// gets the runtime role's grants on what it holds and default privileges for what the owner's migrations add
    /// to it; and an event trigger does the same for every schema a later migration creates.
    /// </summary>
    private static string InDatabase(LocalPostgresDatabaseResource database)
    {
        string owner = Quote(database.OwnerRole), runtime = Quote(database.RuntimeRole);
        return $$"""
            BEGIN;
            CREATE SCHEMA IF NOT EXISTS {{PrivilegesSchema}} AUTHORIZATION CURRENT_USER;
            REVOKE ALL ON SCHEMA {{PrivilegesSchema}} FROM PUBLIC;

            CREATE OR REPLACE FUNCTION {{PrivilegesSchema}}.grant_runtime(target name) RETURNS void
            LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog AS $grant$
            DECLARE
                tables text := CASE WHEN target = {{Literal(AppendOnlySchema)}} THEN 'SELECT, INSERT'
                                    ELSE 'SELECT, INSERT, UPDATE, DELETE' END;
            BEGIN
                EXECUTE format('GRANT USAGE ON SCHEMA %I TO {{runtime}}', target);
                EXECUTE format('REVOKE ALL ON ALL TABLES IN SCHEMA %I FROM {{runtime}}', target);
                EXECUTE format('GRANT %s ON ALL TABLES IN SCHEMA %I TO {{runtime}}', tables, target);
                EXECUTE format('GRANT USAGE ON ALL SEQUENCES IN SCHEMA %I TO {{runtime}}', target);
                EXECUTE format('ALTER DEFAULT PRIVILEGES FOR ROLE {{owner}} IN SCHEMA %I REVOKE ALL ON TABLES FROM {{runtime}}', target);
                EXECUTE format('ALTER DEFAULT PRIVILEGES FOR ROLE {{owner}} IN SCHEMA %I GRANT %s ON TABLES TO {{runtime}}', target, tables);
                EXECUTE format('ALTER DEFAULT PRIVILEGES FOR ROLE {{owner}} IN SCHEMA %I GRANT USAGE ON SEQUENCES TO {{runtime}}', target);
            END
            $grant$;
            REVOKE ALL ON FUNCTION {{PrivilegesSchema}}.grant_runtime(name) FROM PUBLIC;

            CREATE OR REPLACE FUNCTION {{PrivilegesSchema}}.on_create_schema() RETURNS event_trigger
            LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog AS $trigger$
            DECLARE created record;
            BEGIN
                FOR created IN SELECT n.nspname FROM pg_event_trigger_ddl_commands() c JOIN pg_namespace n ON n.oid = c.objid
                               WHERE c.object_type = 'schema' LOOP
                    PERFORM {{PrivilegesSchema}}.grant_runtime(created.nspname);
                END LOOP;
            END
            $trigger$;
            DROP EVENT TRIGGER IF EXISTS runtime_grants_on_new_schemas;
            CREATE EVENT TRIGGER runtime_grants_on_new_schemas ON ddl_command_end WHEN TAG IN ('CREATE SCHEMA')
                EXECUTE FUNCTION {{PrivilegesSchema}}.on_create_schema();

            DO $takeover$
            DECLARE item record;
            BEGIN
                FOR item IN SELECT nspname FROM pg_namespace
                            WHERE nspname NOT LIKE 'pg\_%' AND nspname NOT IN ('information_schema', {{Literal(PrivilegesSchema)}})
                              AND nspowner <> 'pg_database_owner'::regrole AND nspowner <> {{Literal(database.OwnerRole)}}::regrole LOOP
                    EXECUTE format('ALTER SCHEMA %I OWNER TO {{owner}}', item.nspname);
                END LOOP;
                -- Tables, views and free-standing sequences; a table's own sequences follow it.
                FOR item IN SELECT c.oid::regclass AS relation FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                            WHERE n.nspname NOT LIKE 'pg\_%' AND n.nspname NOT IN ('information_schema', {{Literal(PrivilegesSchema)}})
                              AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S') AND c.relowner <> {{Literal(database.OwnerRole)}}::regrole
                              AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
                                              AND d.deptype IN ('a', 'i') AND c.relkind = 'S')
                            ORDER BY c.relkind = 'S' LOOP
                    EXECUTE format('ALTER TABLE %s OWNER TO {{owner}}', item.relation);
                END LOOP;
                FOR item IN SELECT p.oid::regprocedure AS routine FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                            WHERE n.nspname NOT LIKE 'pg\_%' AND n.nspname NOT IN ('information_schema', {{Literal(PrivilegesSchema)}})
                              AND p.proowner <> {{Literal(database.OwnerRole)}}::regrole LOOP
                    EXECUTE format('ALTER ROUTINE %s OWNER TO {{owner}}', item.routine);
                END LOOP;
                FOR item IN SELECT t.oid::regtype AS type FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
                            WHERE n.nspname NOT LIKE 'pg\_%' AND n.nspname NOT IN ('information_schema', {{Literal(PrivilegesSchema)}})
                              AND t.typtype IN ('e', 'd', 'c') AND t.typrelid = 0
                              AND t.typowner <> {{Literal(database.OwnerRole)}}::regrole LOOP
                    EXECUTE format('ALTER TYPE %s OWNER TO {{owner}}', item.type);
                END LOOP;
                FOR item IN SELECT nspname FROM pg_namespace
                            WHERE nspname NOT LIKE 'pg\_%' AND nspname NOT IN ('information_schema', {{Literal(PrivilegesSchema)}}) LOOP
                    PERFORM {{PrivilegesSchema}}.grant_runtime(item.nspname);
                END LOOP;
            END
            $takeover$;
            COMMIT;
            """;
    }

    private static string CreateRoleUnlessExists(string role) =>
        $"DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = {Literal(role)}) THEN CREATE ROLE {Quote(role)}; END IF; END $$;";

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static string Quote(string identifier) => $"\"{identifier.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";

    private static string Literal(string value) => $"'{value.Replace("'", "''", StringComparison.Ordinal)}'";

    /// <summary>
    /// The password as PostgreSQL stores it for scram-sha-256 logins (RFC 5802, 7677):
    /// <c>SCRAM-SHA-256$iterations:salt$StoredKey:ServerKey</c>. Our passwords are hex, so need no SASLprep.
    /// </summary>
    internal static string ScramVerifier(string password)
    {
        var salt = RandomNumberGenerator.GetBytes(16);
        var salted = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, ScramIterations, HashAlgorithmName.SHA256, 32);
        var clientKey = HMACSHA256.HashData(salted, "Client Key"u8);
        var serverKey = HMACSHA256.HashData(salted, "Server Key"u8);
        return $"SCRAM-SHA-256${ScramIterations}:{Convert.ToBase64String(salt)}${Convert.ToBase64String(SHA256.HashData(clientKey))}:{Convert.ToBase64String(serverKey)}";
    }
}
