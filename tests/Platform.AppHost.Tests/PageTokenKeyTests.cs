using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Shouldly;

namespace Platform.AppHost.Tests;

/// <summary>
/// Each service signs its page tokens with a key of its own, given as a secret parameter (so the dashboard hides it)
/// and kept under the state folder, so the tokens a caller holds survive a restart of the service or the platform.
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

    /// <summary>Builds the AppHost (without starting it) and reads the key each service is given.</summary>
    private static async Task<Dictionary<string, string>> KeysAsync(string stateDirectory)
    {
        await using var app = await AppHostRuns.BuildAsync($"--Platform:StateDirectory={stateDirectory}");
        var model = app.Services.GetRequiredService<DistributedApplicationModel>();
        var keys = new Dictionary<string, string>();
        foreach (var service in model.Resources.OfType<ProjectResource>())
        {
            var parameter = model.Resources.OfType<ParameterResource>().Single(p => p.Name == $"{service.Name}-page-token-key");
            parameter.Secret.ShouldBeTrue();
            keys[service.Name] = (await parameter.GetValueAsync(TestContext.Current.CancellationToken))!;
        }
        return keys;
    }
}
