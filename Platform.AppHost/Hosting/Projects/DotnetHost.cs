using System.Runtime.InteropServices;

namespace Platform.AppHost.Hosting;

/// <summary>The <c>dotnet</c> executable that runs us, so services run on the same installation as the AppHost.</summary>
internal static class DotnetHost
{
    public static string Path { get; } = Find();

    private static string Find()
    {
        // Started as `dotnet Platform.AppHost.dll` (or dotnet run): that very executable.
        if (Environment.ProcessPath is { } processPath && System.IO.Path.GetFileNameWithoutExtension(processPath) == "dotnet")
        {
            return processPath;
        }

        // Started through an apphost (a test runner, Platform.AppHost itself): the runtime lives in
        // <dotnet root>/shared/Microsoft.NETCore.App/<version>/, and the dotnet executable in <dotnet root>.
        var fromRuntime = System.IO.Path.GetFullPath(System.IO.Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", "..", "dotnet"));
        return File.Exists(fromRuntime) ? fromRuntime : "dotnet";
    }
}
