namespace Platform.AppHost.Hosting;

/// <summary>Finds the repository: the nearest folder, walking up, that holds Platform.sln.</summary>
public static class RepositoryRoot
{
    public const string SolutionFileName = "Platform.sln";

    public static string Find(string? startDirectory = null)
    {
        var start = startDirectory ?? AppContext.BaseDirectory;
        for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, SolutionFileName)))
            {
                return directory.FullName;
            }
        }

        throw new AppHostException($"no {SolutionFileName} found in {start} or above it: run the AppHost from the repository, or set AppHost:RepositoryRoot.");
    }
}
