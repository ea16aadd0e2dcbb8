using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Aspire.Hosting.ApplicationModel;

namespace Aspire.Hosting;

/// <summary>
/// A service's own broker user: it may declare, write to and read from the queues and exchanges named after it
/// (<c>&lt;service&gt;-…</c>: MassTransit's receive endpoints, their <c>_error</c> and <c>_skipped</c> queues and its bus
/// endpoint), declare and read (bind) the contract exchanges (<c>Platform.Contracts.…</c>), and write (publish) only
/// to those of its own <paramref name="Publishes"/> namespaces. Its password is kept in <paramref name="PasswordFile"/>.
/// </summary>
public sealed record BrokerUser(string Name, string QueuePrefix, IReadOnlyList<string> Publishes, string PasswordFile)
{
    private const string Contracts = @"Platform\.Contracts\..*";

    public string Configure => Anchored($"{Regex.Escape(QueuePrefix)}-.*", Contracts);

    public string Write => Anchored([$"{Regex.Escape(QueuePrefix)}-.*", .. Publishes.Select(space => $@"{Regex.Escape(space)}\..*")]);

    public string Read => Anchored($"{Regex.Escape(QueuePrefix)}-.*", Contracts);

    private static string Anchored(params string[] alternatives) => $"^({string.Join('|', alternatives)})$";
}

/// <summary>
/// The broker's users, loaded from a definitions file when the node boots (<c>load_definitions</c>): one per service
/// and the AppHost's administrator. A node that boots with definitions to load never creates <c>guest</c>.
/// </summary>
internal static class BrokerDefinitions
{
    public const string AdministratorName = "platform-admin";

    /// <summary>A password kept in <paramref name="file"/>; a new one, readable by this account only, when there is none.</summary>
    public static string KeptPassword(string file)
    {
        if (File.Exists(file) && File.ReadAllText(file).Trim() is { Length: >= 32 } kept) return kept;
        var password = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        File.WriteAllText(file, password);
        File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return password;
    }

    /// <summary>The definitions: users with salted hashes, never a password in clear, and their permissions on "/".</summary>
    public static string Json(string administratorPassword, IEnumerable<BrokerUser> services)
    {
        var users = new List<object> { User(AdministratorName, administratorPassword, ["administrator"]) };
        var permissions = new List<object> { Permission(AdministratorName, ".*", ".*", ".*") };
        foreach (var service in services)
        {
            users.Add(User(service.Name, KeptPassword(service.PasswordFile), []));
            permissions.Add(Permission(service.Name, service.Configure, service.Write, service.Read));
        }

        return JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["users"] = users,
            ["vhosts"] = new[] { new Dictionary<string, string> { ["name"] = "/" } },
            ["permissions"] = permissions,
        }, new JsonSerializerOptions { WriteIndented = true });
    }

    private static Dictionary<string, object> User(string name, string password, string[] tags) => new()
    {
        ["name"] = name,
        ["password_hash"] = PasswordHash(password),
        ["hashing_algorithm"] = "rabbit_password_hashing_sha256",
        ["tags"] = tags,
    };

    private static Dictionary<string, string> Permission(string user, string configure, string write, string read) => new()
    {
        ["user"] = user, ["vhost"] = "/", ["configure"] = configure, ["write"] = write, ["read"] = read,
    };

    /// <summary>RabbitMQ's SHA-256 password hash: base64(salt ‖ SHA-256(salt ‖ UTF-8 password)), with a 4-byte salt.</summary>
    internal static string PasswordHash(string password)
    {
        var salt = RandomNumberGenerator.GetBytes(4);
        return Convert.ToBase64String([.. salt, .. SHA256.HashData([.. salt, .. Encoding.UTF8.GetBytes(password)])]);
    }
}
