using Platform.Domain.Errors;

namespace Platform.ServiceDefaults.Grpc;

/// <summary>AIP-122 resource names: "{collection}/{id}".</summary>
public static class ResourceNames
{
    /// <summary>The id in "{collection}/{id}"; a missing or malformed name is a field violation and yields "".</summary>
    public static string ParseId(string name, string collection, string field, Validation validation)
    {
        var prefix = collection + "/";
        if (string.IsNullOrEmpty(name))
        {
            validation.Add(field, $"is required, as \"{collection}/{{id}}\".");
            return "";
        }
        if (!name.StartsWith(prefix, StringComparison.Ordinal) || name.Length == prefix.Length || name.IndexOf('/', prefix.Length) >= 0)
        {
            validation.Add(field, $"\"{name}\" is not a resource name of the form \"{collection}/{{id}}\".");
            return "";
        }
        return name[prefix.Length..];
    }

    public static string Format(string collection, string id) => $"{collection}/{id}";
}
