using System.Diagnostics;
using System.Text.RegularExpressions;
using Platform.Testing;
using Shouldly;

namespace Platform.SystemTests;

/// <summary>
/// The README's way in, as a developer takes it: its token request and its first `buf curl` calls to each service,
/// taken from the README itself and run with bash, curl, jq and buf against the running platform. Only the addresses
/// change (the test's ports, and its state folder as <c>.state</c>), so a README that drifts from the API fails here.
/// </summary>
public sealed partial class ReadmeExampleTests(SystemFixture platform)
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_readmes_token_request_and_example_calls_work_against_the_running_platform()
    {
        var readme = await File.ReadAllTextAsync(Path.Combine(RepositoryRoot(), "README.md"), Cancellation);
        var script = string.Join('\n',
                "set -euo pipefail",
                ShellBlockWith(readme, "/connect/token"),
                "[ -n \"$T\" ] && [ \"$T\" != null ] || { echo 'no token' >&2; exit 1; }",
                LineWith(readme, "b() {"), LineWith(readme, "R=http"), LineWith(readme, "F=http"),
                LineWith(readme, "$R/ListPcns"), LineWith(readme, "$F/GetPcnAllocation"))
            .Replace("http://localhost:5121", Origin("identity", "http"), StringComparison.Ordinal)
            .Replace("http://127.0.0.1:5102", Origin("practices", "grpc"), StringComparison.Ordinal)
            .Replace("http://127.0.0.1:5112", Origin("finance", "grpc"), StringComparison.Ordinal);
        // Other tests of this assembly restart PostgreSQL; the token service's first request after that can fail on a
        // pooled connection the restart broke. A developer's platform has just started: so does this one, for the README.
        await Eventually.Until(async () =>
        {
            using var answer = await platform.Tokens.RequestAsync(PlatformFixture.TestClient,
                await File.ReadAllTextAsync(Path.Combine(platform.StateDirectory, "identity", "clients", $"{PlatformFixture.TestClient}.secret")),
                "practices.read");
            return answer.IsSuccessStatusCode;
        }, ok => ok, "the token service answering", TimeSpan.FromSeconds(60));

        var work = Directory.CreateTempSubdirectory("llr-readme-");
        try
        {
            // The README's paths are the repository's: here its .state is this platform's state folder.
            Directory.CreateSymbolicLink(Path.Combine(work.FullName, ".state"), platform.StateDirectory);
            var (exitCode, output, errors) = await RunAsync(work.FullName, script);

            exitCode.ShouldBe(0, $"{errors}\n{script}");
            output.ShouldContain("\"pcns\"");
            output.ShouldContain("pcns/salutem/allocations/2021-22");
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    private string Origin(string resource, string endpoint) =>
        platform.Endpoint(resource, endpoint).GetLeftPart(UriPartial.Authority);

    /// <summary>The ```sh block holding <paramref name="marker"/>, without its fences.</summary>
    private static string ShellBlockWith(string readme, string marker) =>
        ShellBlock().Matches(readme).Select(match => match.Groups[1].Value).Single(block => block.Contains(marker, StringComparison.Ordinal));

    private static string LineWith(string readme, string marker) =>
        readme.Split('\n').First(line => line.Contains(marker, StringComparison.Ordinal) && !line.StartsWith('#'));

    private static async Task<(int ExitCode, string Output, string Errors)> RunAsync(string directory, string script)
    {
        using var bash = Process.Start(new ProcessStartInfo("bash", ["-c", script])
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);
        // buf comes from npm the first time (npx), as the README's lint script gets it.
        timeout.CancelAfter(TimeSpan.FromMinutes(5));
        var output = bash.StandardOutput.ReadToEndAsync(timeout.Token);
        var errors = bash.StandardError.ReadToEndAsync(timeout.Token);
        try
        {
            await bash.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            bash.Kill(entireProcessTree: true);
            throw;
        }
        return (bash.ExitCode, await output, await errors);
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Platform.sln"))) return directory.FullName;
        }
        throw new InvalidOperationException($"No Platform.sln above {AppContext.BaseDirectory}.");
    }

    [GeneratedRegex(@"```sh\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex ShellBlock();
}
