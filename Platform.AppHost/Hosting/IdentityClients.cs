using System.Security.Cryptography;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Configuration;

namespace Aspire.Hosting;

/// <summary>
/// The token service's clients: each with its scopes and a secret that reaches identity (and the client itself) as a
/// FILE PATH, never as a value in an environment variable, which the dashboard shows. Locally each secret is made once
/// and kept under the state folder (<c>.state/identity/clients/&lt;clientId&gt;.secret</c>, readable by this account
/// only), so tokens and configured callers keep working across restarts. In publish mode the path is where a
/// deployment mounts the secret (<c>/run/secrets/identity-client-&lt;clientId&gt;</c>).
/// </summary>
public static class IdentityClients
{
    /// <summary>The AppHost's own setting listing extra clients: <c>Identity:Clients:&lt;clientId&gt;:Scopes</c> (array).</summary>
    public const string Section = "Identity:Clients";

    /// <summary>
    /// Configures identity with <paramref name="builtIn"/> clients and those under <see cref="Section"/> in the
    /// AppHost's configuration. The list is read each time identity starts, so an edited appsettings.json (or a test's
    /// configuration) and a restart of identity from the dashboard add, change or remove clients.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithClients(
        this IResourceBuilder<ProjectResource> identity, IReadOnlyDictionary<string, string[]> builtIn)
    {
        var builder = identity.ApplicationBuilder;
        return identity.WithEnvironment(context =>
        {
            var clients = new Dictionary<string, string[]>(builtIn, StringComparer.Ordinal);
            foreach (var client in builder.Configuration.GetSection(Section).GetChildren())
            {
                // A client whose scopes were emptied is removed, as one deleted from the file is.
                var scopes = client.GetSection("Scopes").Get<string[]>()?.Where(scope => !string.IsNullOrEmpty(scope)).ToArray();
                if (scopes is { Length: > 0 }) clients[client.Key] = scopes;
                else clients.Remove(client.Key);
            }

            foreach (var (clientId, scopes) in clients)
            {
                var prefix = $"Identity__Clients__{clientId}__";
                for (var i = 0; i < scopes.Length; i++) context.EnvironmentVariables[$"{prefix}Scopes__{i}"] = scopes[i];
                context.EnvironmentVariables[$"{prefix}SecretFile"] = SecretFile(builder, clientId);
                if (builder.Configuration[$"{Section}:{clientId}:AccessTokenLifetime"] is { } lifetime)
                {
                    context.EnvironmentVariables[$"{prefix}AccessTokenLifetime"] = lifetime;
                }
            }
        });
    }

    /// <summary>Gives a service its own client's id and secret file, for the calls it makes to other services.</summary>
    public static IResourceBuilder<ProjectResource> WithClientCredentials(this IResourceBuilder<ProjectResource> service, string clientId)
    {
        var builder = service.ApplicationBuilder;
        return service
            .WithEnvironment("Identity__Client__Id", clientId)
            .WithEnvironment("Identity__Client__SecretFile", SecretFile(builder, clientId));
    }

    /// <summary>
    /// The file holding the client's secret: made now (256 random bits, hex), readable by this account only, when
    /// there is none.
    /// </summary>
    public static string SecretFile(IDistributedApplicationBuilder builder, string clientId)
    {
        if (builder.ExecutionContext.IsPublishMode) return $"/run/secrets/identity-client-{clientId}";
        var folder = Path.Combine(LocalServers.StateDirectory(builder, "identity", account: null), "clients");
        Directory.CreateDirectory(folder);
        var file = Path.Combine(folder, $"{clientId}.secret");
        if (!File.Exists(file) || File.ReadAllText(file).Trim().Length < 32)
        {
            // Created empty and private first, so the secret is never readable by others, even for a moment.
            File.WriteAllText(file, "");
            File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            File.WriteAllText(file, Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)));
        }
        return file;
    }

    /// <summary>Where an operator's request to rotate or retire signing keys is left for identity's next start.</summary>
    public static string RequestDirectory(IDistributedApplicationBuilder builder) =>
        LocalServers.StateDirectory(builder, "identity", account: null);
}
