using System.Diagnostics;
using System.Text.Json.Nodes;
using Shouldly;

namespace Platform.AppHost.Tests;

/// <summary>
/// What a deployment to a cluster consumes: aspire-manifest.json, written by the AppHost in publish mode, declares
/// PostgreSQL and RabbitMQ with Aspire's container integrations, and every service with its references and endpoints.
/// </summary>
public sealed class ManifestTests
{
    [Fact]
    public async Task The_manifest_declares_every_service_its_database_its_broker_and_its_endpoints()
    {
        var output = Directory.CreateTempSubdirectory("llr-manifest-");
        try
        {
            var manifestPath = Path.Combine(output.FullName, "aspire-manifest.json");
            await PublishManifestAsync(manifestPath);
            var resources = JsonNode.Parse(await File.ReadAllTextAsync(manifestPath, TestContext.Current.CancellationToken))!["resources"]!;

            resources["postgres"]!["type"]!.GetValue<string>().ShouldBe("container.v0");
            resources["postgres"]!["image"]!.GetValue<string>().ShouldEndWith("postgres:15");
            resources["messaging"]!["type"]!.GetValue<string>().ShouldBe("container.v0");
            resources["messaging"]!["image"]!.GetValue<string>().ShouldEndWith("rabbitmq:3.10");
            resources["practicesdb"]!["type"]!.GetValue<string>().ShouldBe("value.v0");
            resources["practicesdb"]!["connectionString"]!.GetValue<string>().ShouldContain("Database=practices");
            resources["financedb"]!["connectionString"]!.GetValue<string>().ShouldContain("Database=finance");

            foreach (var (service, database) in new[] { ("practices", "practicesdb"), ("finance", "financedb") })
            {
                var resource = resources[service]!;
                resource["type"]!.GetValue<string>().ShouldBe("project.v0");
                var environment = resource["env"]!.AsObject();
                environment[$"ConnectionStrings__{database}"]!.GetValue<string>().ShouldBe($"{{{database}.connectionString}}");
                environment["ConnectionStrings__messaging"]!.GetValue<string>().ShouldBe("{messaging.connectionString}");
                var bindings = resource["bindings"]!.AsObject();
                bindings["grpc"]!["transport"]!.GetValue<string>().ShouldBe("http2");
                bindings["http"]!["scheme"]!.GetValue<string>().ShouldBe("http");
            }

            // Finance finds the registry by service discovery.
            resources["finance"]!["env"]!["services__practices__grpc__0"]!.GetValue<string>().ShouldBe("{practices.bindings.grpc.url}");

            // The token service, its database, and what each service is told of it; secrets only as mounted files.
            var identity = resources["identity"]!;
            identity["type"]!.GetValue<string>().ShouldBe("project.v0");
            identity["env"]!["ConnectionStrings__identitydb"]!.GetValue<string>().ShouldBe("{identitydb.connectionString}");
            identity["env"]!["Identity__Issuer"]!.GetValue<string>().ShouldBe("{identity.bindings.http.url}");
            identity["env"]!["Identity__Clients__developer__SecretFile"]!.GetValue<string>().ShouldBe("/run/secrets/identity-client-developer");
            foreach (var service in new[] { "practices", "finance" })
            {
                resources[service]!["env"]!["Identity__Authority"]!.GetValue<string>().ShouldBe("{identity.bindings.http.url}");
                resources[service]!["env"]!["Identity__Audience"]!.GetValue<string>().ShouldBe(service);
            }
            resources["finance"]!["env"]!["Identity__Client__Id"]!.GetValue<string>().ShouldBe("finance");
        }
        finally
        {
            output.Delete(recursive: true);
        }
    }

    /// <summary>Runs the built AppHost as `aspire publish` would, in manifest mode.</summary>
    private static async Task PublishManifestAsync(string manifestPath)
    {
        var appHost = Path.Combine(AppContext.BaseDirectory, "Platform.AppHost.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { appHost, "--publisher", "manifest", "--output-path", manifestPath }) start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var error = await process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        process.ExitCode.ShouldBe(0, $"{await output}\n{error}");
    }
}
