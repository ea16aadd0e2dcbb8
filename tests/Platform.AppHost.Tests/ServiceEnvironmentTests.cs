using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Platform.Testing;
using Shouldly;

namespace Platform.AppHost.Tests;

/// <summary>
/// What each service is given, read from the AppHost's model without starting it: the environment it runs in, which
/// follows the AppHost's own; the switches that keep the .NET CLI (which launches it) from reporting usage; and its
/// secrets as files, never as values among its environment variables, which the dashboard shows.
/// </summary>
public sealed class ServiceEnvironmentTests
{
    [Theory]
    [InlineData("Development", "Development")]
    [InlineData("Production", "Production")]
    [InlineData("Staging", "Production")]
    public async Task Services_run_in_production_unless_the_apphost_runs_in_development(string appHost, string services)
    {
        var state = Directory.CreateTempSubdirectory("llr-environment-");
        try
        {
            foreach (var environment in (await EnvironmentsAsync(state.FullName, $"--environment={appHost}")).Values)
            {
                environment["DOTNET_ENVIRONMENT"].ShouldBe(services);
                environment["ASPNETCORE_ENVIRONMENT"].ShouldBe(services);
                environment["DOTNET_CLI_TELEMETRY_OPTOUT"].ShouldBe("1");
            }
        }
        finally
        {
            state.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Services_get_their_secrets_as_files()
    {
        var state = Directory.CreateTempSubdirectory("llr-secrets-");
        try
        {
            var environments = await EnvironmentsAsync(state.FullName);
            var secrets = StateSecrets.In(state.FullName);
            // Each database's two roles (3 databases), each service's page-token key (3) and broker password (2), the
            // PostgreSQL superuser and the broker's administrator, and the token service's clients' secrets.
            secrets.Count.ShouldBeGreaterThanOrEqualTo(15, string.Join(", ", secrets.Select(secret => secret.File)));
            secrets.ShouldContain(secret => secret.File.EndsWith("developer.secret", StringComparison.Ordinal));
            foreach (var (service, environment) in environments)
            {
                // The token service uses no broker.
                if (service != "identity") environment["Messaging__PasswordFile"].ShouldStartWith(state.FullName);
                environment["PageTokens__SigningKeyFile"].ShouldStartWith(state.FullName);
                environment.Single(variable => variable.Key.EndsWith("db", StringComparison.Ordinal)).Value.ShouldContain("Passfile=");
                foreach (var (name, value) in environment)
                {
                    value.ShouldNotContain("Password=", Case.Insensitive, name);
                    foreach (var secret in secrets) value.Contains(secret.Value, StringComparison.Ordinal).ShouldBeFalse($"{secret.File} in {name}");
                }
            }
        }
        finally
        {
            state.Delete(recursive: true);
        }
    }

    /// <summary>Builds the AppHost (without starting it) and reads every service's environment.</summary>
    private static async Task<IReadOnlyDictionary<string, Dictionary<string, string>>> EnvironmentsAsync(string stateDirectory, params string[] settings)
    {
        await using var app = await AppHostRuns.BuildAsync([$"--Platform:StateDirectory={stateDirectory}", .. settings]);
        var environments = new Dictionary<string, Dictionary<string, string>>();
        foreach (var service in app.Services.GetRequiredService<DistributedApplicationModel>().Resources.OfType<ProjectResource>())
        {
            environments[service.Name] = await AppHostRuns.EnvironmentOfAsync(service);
        }

        environments.Keys.ShouldBe(["identity", "practices", "finance"], ignoreOrder: true);
        return environments;
    }
}
