using System.Security.Cryptography;
using Aspire.Hosting.ApplicationModel;

namespace Aspire.Hosting;

/// <summary>
/// Each service signs its page tokens with a key of its own. Locally the key is made once and kept under the state
/// folder (<c>.state/&lt;service&gt;/page-token-key</c>), as PostgreSQL's password is, so tokens a caller holds keep
/// working when the service or the whole platform restarts; the service is given the file's path
/// (<c>PageTokens:SigningKeyFile</c>), never the key, so no environment variable (which the dashboard shows) holds it.
/// A deployment generates one as a secret parameter (<c>PageTokens:SigningKey</c>; the manifest says how).
/// </summary>
public static class PageTokenKeys
{
    public const string Setting = "PageTokens__SigningKey";

    public const string FileSetting = "PageTokens__SigningKeyFile";

    public static IResourceBuilder<ProjectResource> WithPageTokenKey(this IResourceBuilder<ProjectResource> service)
    {
        var builder = service.ApplicationBuilder;
        if (builder.ExecutionContext.IsPublishMode)
        {
            var key = builder.AddParameter($"{service.Resource.Name}-page-token-key",
                new GenerateParameterDefault { MinLength = 64, Special = false }, secret: true);
            return service.WithEnvironment(Setting, key);
        }

        var file = Path.Combine(LocalServers.StateDirectory(builder, service.Resource.Name, account: null), "page-token-key");
        KeepKey(file);
        return service.WithEnvironment(FileSetting, file);
    }

    /// <summary>Makes a key in <paramref name="file"/>, readable by this account only, unless one is kept there.</summary>
    private static void KeepKey(string file)
    {
        if (File.Exists(file) && File.ReadAllText(file).Trim() is { Length: >= 64 }) return;
        File.WriteAllText(file, Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)));
        File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }
}
