using Platform.AppHost.Hosting;
using Platform.AppHost.Tests.Support;
using Platform.Testing;
using Shouldly;

namespace Platform.AppHost.Tests;

/// <summary>How configuration shapes the app, checked on built but never started apps.</summary>
public sealed class OptionsTests
{
    [Fact]
    public async Task Fixed_default_ports_are_used_unless_configuration_overrides_them()
    {
        var builder = DistributedApplication.CreateBuilder(["--Ports:messaging-epmd=61001", "--Ports:dashboard=61002"]);
        var postgres = builder.AddPostgres("postgres", port: 55432);
        var messaging = builder.AddRabbitMQ("messaging", port: 55672, distributionPort: 55673, epmdPort: 55669);
        await using var app = builder.Build();

        postgres.Resource.Endpoint.Port.ShouldBe(55432);
        messaging.Resource.Amqp.Port.ShouldBe(55672);
        messaging.Resource.Epmd.Port.ShouldBe(61001);
        messaging.Resource.Epmd.ConfigurationKey.ShouldBe("Ports:messaging-epmd");
        app.DashboardUrl.Port.ShouldBe(61002);
        app.OtlpEndpoint.Port.ShouldBe(DistributedApplicationBuilder.DefaultOtlpPort);
        app.StateDirectory.ShouldBe(Path.Combine(RepositoryRoot.Find(), ".state"));
    }

    [Fact]
    public async Task Isolated_mode_uses_free_ports_and_a_temporary_state_directory()
    {
        var builder = TestAppHost.CreateBuilder();
        var postgres = builder.AddPostgres("postgres", port: 55432);
        await using var app = builder.Build();

        postgres.Resource.Endpoint.Port.ShouldNotBe(55432);
        app.DashboardUrl.Port.ShouldNotBe(DistributedApplicationBuilder.DefaultDashboardPort);
        app.StateDirectory.ShouldStartWith(Path.GetTempPath());
    }

    [Fact]
    public void The_fresh_switch_is_a_setting()
    {
        var builder = DistributedApplication.CreateBuilder(["--fresh"]);

        builder.Configuration["AppHost:Fresh"].ShouldBe("true");
    }

    [Fact]
    public async Task Only_keeps_the_named_resources_and_everything_they_need_in_dependency_order()
    {
        var builder = TestAppHost.CreateBuilder("--AppHost:Only=practices");
        builder.AddPlatform();
        builder.AddPostgres("unrelated");
        await using var app = builder.Build();

        var names = app.Resources.Select(r => r.Name).ToList();
        names.ShouldBe(["postgres", "practicesdb", "messaging", "practices"], ignoreOrder: true);
        names.IndexOf("practicesdb").ShouldBeGreaterThan(names.IndexOf("postgres"));
        names.IndexOf("practices").ShouldBeGreaterThan(names.IndexOf("practicesdb"));
        names.IndexOf("practices").ShouldBeGreaterThan(names.IndexOf("messaging"));
    }

    [Fact]
    public void The_repository_root_is_the_folder_holding_the_solution()
    {
        var root = RepositoryRoot.Find();

        File.Exists(Path.Combine(root, "Platform.sln")).ShouldBeTrue();
        Should.Throw<AppHostException>(() => RepositoryRoot.Find("/")).Message.ShouldContain("AppHost:RepositoryRoot");
    }

    [Fact]
    public async Task Projects_are_launched_from_the_build_configuration_of_the_AppHost()
    {
        var builder = TestAppHost.CreateBuilder();
        builder.AddPlatform();
        await using var app = builder.Build();

        var practices = app.GetResource<ProjectResource>("practices");
        var assembly = practices.GetAssemblyPath(RepositoryRoot.Find(), BuildConfiguration.Current);
        assembly.ShouldBe(Path.Combine(RepositoryRoot.Find(), "src/Practices/Practices.Api/bin", BuildConfiguration.Current, "net10.0/Practices.Api.dll"));
    }
}
