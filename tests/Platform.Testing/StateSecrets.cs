namespace Platform.Testing;

/// <summary>
/// Every secret the AppHost keeps under the state folder, read back so a test can look for it where it must not be:
/// passwords (<c>password</c>, <c>*-password</c>, each line of a <c>pgpass</c>), keys (<c>*-key</c>) and secrets
/// (<c>*secret*</c>). A new kind of secret is covered by keeping it in a file named that way.
/// </summary>
public static class StateSecrets
{
    public sealed record Secret(string File, string Value);

    public static IReadOnlyList<Secret> In(string stateDirectory)
    {
        var secrets = new List<Secret>();
        foreach (var file in Directory.EnumerateFiles(stateDirectory, "*", new EnumerationOptions { RecurseSubdirectories = true, MaxRecursionDepth = 2 }))
        {
            var name = Path.GetFileName(file);
            var relative = Path.GetRelativePath(stateDirectory, file);
            if (name == "pgpass")
            {
                secrets.AddRange(File.ReadAllLines(file).Select(line => new Secret($"{relative} ({line.Split(':')[3]})", line.Split(':')[^1])));
            }
            else if (name == "password" || name.EndsWith("-password", StringComparison.Ordinal) || name.EndsWith("-key", StringComparison.Ordinal)
                     || name.Contains("secret", StringComparison.OrdinalIgnoreCase))
            {
                secrets.Add(new Secret(relative, File.ReadAllText(file).Trim()));
            }
        }

        return secrets;
    }
}
