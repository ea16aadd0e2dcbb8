using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Shouldly;

namespace Platform.AppHost.Tests;

/// <summary>
/// Each service signs its page tokens with a key of its own, kept under the state folder, so the tokens a caller holds
/// survive a restart of the service or the platform; the service is given the file, never the key itself, so no
/// environment variable (which the dashboard shows) holds it.
/// </summary>
public sealed class PageTokenKeyTests
{
    [Fact]
    public async Task Each_service_gets_a_secret_key_that_the_next_start_reuses()
    {
        var state = Directory.CreateTempSubdirectory("llr-page-token-keys-");
        try
        {
            var first = await KeysAsync(state.FullName);
            var second = await KeysAsync(state.FullName);

            first.Keys.ShouldBe(["finance", "identity", "practices"], ignoreOrder: true);
            first["practices"].ShouldNotBe(first["finance"]);
            first["practices"].Length.ShouldBe(64);
            second.ShouldBe(first);
            (await File.ReadAllTextAsync(Path.Combine(state.FullName, "practices", "page-token-key"), TestContext.Current.CancellationToken))
                .ShouldBe(first["practices"]);
            File.GetUnixFileMode(Path.Combine(state.FullName, "practices", "page-token-key"))
                .ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        finally
        {
            state.Delete(recursive: true);
        }
    }

    /// <summary>Builds the AppHost (without starting it) and reads the key in the file each service is given.</summary>
    private static async Task<Dictionary<string, string>> KeysAsync(string stateDirectory)
    {
        await using var app = await AppHostRuns.BuildAsync($"--Platform:StateDirectory={stateDirectory}");
        var model = app.Services.GetRequiredService<DistributedApplicationModel>();
        var keys = new Dictionary<string, string>();
        foreach (var service in model.Resources.OfType<ProjectResource>())
        {
            var environment = await AppHostRuns.EnvironmentOfAsync(service);
            environment.ShouldNotContainKey("PageTokens__SigningKey");
            var file = environment["PageTokens__SigningKeyFile"];
            keys[service.Name] = (await File.ReadAllTextAsync(file, TestContext.Current.CancellationToken)).Trim();
            environment.Values.ShouldNotContain(value => value.Contains(keys[service.Name], StringComparison.Ordinal));
        }
        return keys;
    }
}
