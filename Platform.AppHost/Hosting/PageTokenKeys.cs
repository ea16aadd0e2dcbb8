using System.Security.Cryptography;
using Aspire.Hosting.ApplicationModel;

namespace Aspire.Hosting;

/// <summary>
/// Each service signs its page tokens with a key of its own (<c>PageTokens:SigningKey</c>), passed as a secret
/// parameter so the dashboard does not show it. Locally the key is made once and kept under the state folder
/// (<c>.state/&lt;service&gt;/page-token-key</c>), as PostgreSQL's password is, so tokens a caller holds keep working
/// when the service or the whole platform restarts; a deployment generates one (the manifest says how).
/// </summary>
public static class PageTokenKeys
{
    public const string Setting = "PageTokens__SigningKey";

    public static IResourceBuilder<ProjectResource> WithPageTokenKey(this IResourceBuilder<ProjectResource> service)
    {
        var builder = service.ApplicationBuilder;
        var name = $"{service.Resource.Name}-page-token-key";
        var key = builder.ExecutionContext.IsPublishMode
            ? builder.AddParameter(name, new GenerateParameterDefault { MinLength = 64, Special = false }, secret: true)
            : builder.AddParameter(name, KeptKey(Path.Combine(LocalServers.StateDirectory(builder, service.Resource.Name, account: null), "page-token-key")), secret: true);
        return service.WithEnvironment(Setting, key);
    }

    /// <summary>The key kept in <paramref name="file"/>; a new one, written there readable by this account only, when there is none.</summary>
    private static string KeptKey(string file)
    {
        if (File.Exists(file) && File.ReadAllText(file).Trim() is { Length: >= 64 } kept) return kept;
        var key = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        File.WriteAllText(file, key);
        File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return key;
    }
}
