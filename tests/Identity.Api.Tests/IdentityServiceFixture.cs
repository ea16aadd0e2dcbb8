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

    protected override string Services => "identity";
}
