using Aspire.Hosting.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Platform.Testing;

[assembly: AssemblyFixture(typeof(Identity.Api.Tests.IdentityServiceFixture))]

namespace Identity.Api.Tests;

/// <summary>
/// The token service as callers meet it: the real process, started by Platform.AppHost with its PostgreSQL, on free
/// ports and throw-away state, asked for tokens over HTTP. Booted once for the test assembly.
/// </summary>
public sealed class IdentityServiceFixture : PlatformFixture
{
    public Uri Issuer => Endpoint("identity", "http");

    public NpgsqlDataSource Database => DatabaseOf("identitydb");

    /// <summary>A client whose tokens live one minute (<c>Identity:Clients:&lt;id&gt;:AccessTokenLifetime</c>).</summary>
    public const string ShortLivedClient = "short-lived";

    protected override string Services => "identity";

    protected override void Configure(IDistributedApplicationTestingBuilder builder)
    {
        builder.Configuration[$"Identity:Clients:{ShortLivedClient}:Scopes:0"] = "practices.read";
        builder.Configuration[$"Identity:Clients:{ShortLivedClient}:AccessTokenLifetime"] = "00:01:00";
    }

    /// <summary>The AppHost's configuration, which identity's client list is read from each time it starts.</summary>
    public IConfiguration AppHostConfiguration => App.Services.GetRequiredService<IConfiguration>();

    /// <summary>The secret the AppHost made for a client, from the state folder as a developer reads it.</summary>
    public Task<string> SecretOf(string clientId) =>
        File.ReadAllTextAsync(Path.Combine(StateDirectory, "identity", "clients", $"{clientId}.secret"));
}
