using Google.Rpc;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Reflection.V1Alpha;
using Platform.ServiceDefaults.Tests.Guarded;
using Shouldly;

namespace Platform.ServiceDefaults.Tests;

/// <summary>
/// Authentication and authorisation as every service gets them from ServiceDefaults, on a service of the tests' own
/// served by Kestrel, with tokens from a stand-in token service (real RS256 keys, a real discovery document). The same
/// rules are tested on the platform's own services, with the platform's token service, in their test projects.
/// </summary>
public sealed class AccessTests : IAsyncLifetime
{
    private StandInAuthority _authority = null!;
    private GuardedHost _host = null!;

    public async ValueTask InitializeAsync()
    {
        _authority = await StandInAuthority.StartAsync();
        _host = await GuardedHost.StartAsync(_authority);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        await _authority.DisposeAsync();
    }

    private string Token(params string[] scopes) => _authority.Issue(GuardedHost.Audience, scopes);

    [Fact]
    public async Task A_call_without_a_token_is_unauthenticated()
    {
        var error = await Should.ThrowAsync<RpcException>(async () => await _host.Client.ReadAsync(new Ping(), GuardedHost.With(null)));

        error.StatusCode.ShouldBe(StatusCode.Unauthenticated);
        error.Status.Detail.ShouldBe("Unauthenticated: no bearer access token.");
        error.GetRpcStatus()!.GetDetail<ErrorInfo>().Reason.ShouldBe("ACCESS_TOKEN_MISSING");
    }

    [Fact]
    public async Task A_token_with_the_scope_is_let_in_and_one_without_it_is_denied_naming_the_scope()
    {
        var reader = Token("guarded.read");

        (await _host.Client.ReadAsync(new Ping { Text = "x" }, GuardedHost.With(reader))).Text.ShouldBe("read x");
        var error = await Should.ThrowAsync<RpcException>(async () => await _host.Client.WriteAsync(new Ping(), GuardedHost.With(reader)));

        error.StatusCode.ShouldBe(StatusCode.PermissionDenied);
        error.Status.Detail.ShouldBe("The access token does not grant the scope guarded.write, which Write requires.");
        var info = error.GetRpcStatus()!.GetDetail<ErrorInfo>();
        info.Reason.ShouldBe("SCOPE_MISSING");
        info.Metadata["required_scope"].ShouldBe("guarded.write");
        (await _host.Client.WriteAsync(new Ping { Text = "y" }, GuardedHost.With(Token("guarded.read", "guarded.write")))).Text.ShouldBe("wrote y");
    }

    public static TheoryData<string, string> Refusals => new()
    {
        { "expired", "Unauthenticated: access token expired." },
        { "not yet valid", "Unauthenticated: access token not yet valid." },
        { "another audience", "Unauthenticated: access token not for this service." },
        { "another issuer", "Unauthenticated: access token from an unknown issuer." },
        { "another key", "Unauthenticated: access token signature invalid." },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task A_token_signed_by_the_token_service_but_not_valid_here_is_unauthenticated_saying_why(string what, string message)
    {
        string[] scopes = ["guarded.read"];
        var token = what switch
        {
            // Past the 30 s clock skew either way.
            "expired" => _authority.Issue(GuardedHost.Audience, scopes, lifetime: TimeSpan.FromSeconds(-40)),
            "not yet valid" => _authority.Issue(GuardedHost.Audience, scopes, notBefore: DateTime.UtcNow.AddMinutes(2)),
            "another audience" => _authority.Issue("finance", scopes),
            "another issuer" => _authority.Issue(GuardedHost.Audience, scopes, issuer: "http://127.0.0.1:1/"),
            _ => _authority.Issue(GuardedHost.Audience, scopes, key: new Microsoft.IdentityModel.Tokens.RsaSecurityKey(System.Security.Cryptography.RSA.Create(2048))
            {
                KeyId = _authority.SigningKey.KeyId,
            }),
        };

        var error = await Should.ThrowAsync<RpcException>(async () => await _host.Client.ReadAsync(new Ping(), GuardedHost.With(token)));

        error.StatusCode.ShouldBe(StatusCode.Unauthenticated);
        error.Status.Detail.ShouldBe(message);
        error.Status.Detail.ShouldNotContain(token[..20]);
    }

    [Fact]
    public async Task Hostile_tokens_are_all_unauthenticated_never_internal()
    {
        var seed = Environment.GetEnvironmentVariable("FUZZ_SEED") is { } replay ? int.Parse(replay, System.Globalization.CultureInfo.InvariantCulture) : Random.Shared.Next();
        var tokens = Platform.Testing.HostileTokens.Generate(new Random(seed), Token("guarded.read"), _authority.SigningKey.Rsa.ExportParameters(false), _authority.SigningKey.KeyId);
        tokens.Count.ShouldBeGreaterThanOrEqualTo(200);

        var outcomes = new List<(string What, StatusCode Code, string Detail)>();
        foreach (var (what, token) in tokens)
        {
            try
            {
                await _host.Client.ReadAsync(new Ping(), GuardedHost.With(token));
                outcomes.Add((what, StatusCode.OK, ""));
            }
            catch (RpcException e)
            {
                outcomes.Add((what, e.StatusCode, e.Status.Detail));
            }
        }

        TestContext.Current.TestOutputHelper?.WriteLine($"Seed {seed} (FUZZ_SEED={seed} replays it): {tokens.Count} tokens; "
            + string.Join(", ", outcomes.GroupBy(o => o.Detail).Select(g => $"{g.Key} {g.Count()}")));
        outcomes.Where(o => o.Code != StatusCode.Unauthenticated).ShouldBeEmpty($"seed {seed}");
        // The message says why in a few words, never echoing what was sent.
        outcomes.ShouldAllBe(o => o.Detail.Length < 80);
    }

    [Fact]
    public async Task A_rotated_signing_key_is_fetched_when_a_token_names_it()
    {
        await using var host = await GuardedHost.StartAsync(_authority, new Dictionary<string, string?> { ["Identity:KeyRefreshInterval"] = "00:00:01" });
        // Passed once, so the service keeps it as validated: that must not outlive the keys it was checked with.
        var old = Token("guarded.read");
        (await host.Client.ReadAsync(new Ping(), GuardedHost.With(old))).ShouldNotBeNull();
        (await host.Client.ReadAsync(new Ping(), GuardedHost.With(old))).ShouldNotBeNull();

        _authority.RotateKey();
        var rotated = Token("guarded.read");

        // The first call naming the new key is refused and asks for the keys again; a call soon after passes.
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            try
            {
                await host.Client.ReadAsync(new Ping(), GuardedHost.With(rotated));
                break;
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.Unauthenticated && DateTime.UtcNow < deadline)
            {
                await Task.Delay(200, TestContext.Current.CancellationToken);
            }
        }
        // The token service published only its new key: tokens signed by the old one no longer pass.
        var error = await Should.ThrowAsync<RpcException>(async () => await host.Client.ReadAsync(new Ping(), GuardedHost.With(old)));
        error.StatusCode.ShouldBe(StatusCode.Unauthenticated);
    }

    [Fact]
    public async Task A_token_that_passed_stops_passing_when_it_expires()
    {
        await using var host = await GuardedHost.StartAsync(_authority, new Dictionary<string, string?> { ["Identity:ClockSkew"] = "00:00:00" });
        var token = _authority.Issue(GuardedHost.Audience, ["guarded.read"], lifetime: TimeSpan.FromSeconds(3));
        (await host.Client.ReadAsync(new Ping(), GuardedHost.With(token))).ShouldNotBeNull();
        (await host.Client.ReadAsync(new Ping(), GuardedHost.With(token))).ShouldNotBeNull();

        await Task.Delay(TimeSpan.FromSeconds(3.5), TestContext.Current.CancellationToken);

        var error = await Should.ThrowAsync<RpcException>(async () => await host.Client.ReadAsync(new Ping(), GuardedHost.With(token)));
        error.StatusCode.ShouldBe(StatusCode.Unauthenticated);
        error.Status.Detail.ShouldBe("Unauthenticated: access token expired.");
    }

    [Fact]
    public async Task Tokens_with_made_up_key_ids_fetch_the_keys_at_most_once_an_interval()
    {
        var before = _authority.KeyFetches;
        var forged = new Microsoft.IdentityModel.Tokens.RsaSecurityKey(System.Security.Cryptography.RSA.Create(2048));
        for (var i = 0; i < 20; i++)
        {
            forged.KeyId = Guid.NewGuid().ToString("N");
            var error = await Should.ThrowAsync<RpcException>(async () =>
                await _host.Client.ReadAsync(new Ping(), GuardedHost.With(_authority.Issue(GuardedHost.Audience, ["guarded.read"], key: forged))));
            error.StatusCode.ShouldBe(StatusCode.Unauthenticated);
        }

        // The default interval is 30 s: twenty unknown key ids within it cost at most the one refresh.
        (_authority.KeyFetches - before).ShouldBeLessThanOrEqualTo(2);
    }

    [Fact]
    public async Task Health_stays_open_without_a_token()
    {
        var health = new Health.HealthClient(_host.Channel);

        (await health.CheckAsync(new HealthCheckRequest(), GuardedHost.With(null))).Status.ShouldBe(HealthCheckResponse.Types.ServingStatus.Serving);
    }

    [Fact]
    public async Task Reflection_needs_a_valid_token_outside_development_and_is_open_in_it()
    {
        (await Should.ThrowAsync<RpcException>(async () => await ListServicesAsync(_host, token: null))).StatusCode.ShouldBe(StatusCode.Unauthenticated);
        (await ListServicesAsync(_host, Token("guarded.read"))).ShouldContain("llr.guarded.v1.GuardedService");

        await using var development = await GuardedHost.StartAsync(_authority, environment: "Development");
        (await ListServicesAsync(development, token: null)).ShouldContain("llr.guarded.v1.GuardedService");
    }

    [Fact]
    public async Task A_token_service_that_cannot_be_reached_is_unavailable_not_the_callers_fault()
    {
        await using var authority = await StandInAuthority.StartAsync();
        var token = authority.Issue(GuardedHost.Audience, ["guarded.read"]);
        await using var host = await GuardedHost.StartAsync(authority);
        await authority.DisposeAsync();

        var error = await Should.ThrowAsync<RpcException>(async () => await host.Client.ReadAsync(new Ping(), GuardedHost.With(token)));

        error.StatusCode.ShouldBe(StatusCode.Unavailable);
        error.GetRpcStatus()!.GetDetail<RetryInfo>().ShouldNotBeNull();
    }

    private static async Task<List<string>> ListServicesAsync(GuardedHost host, string? token)
    {
        using var call = new ServerReflection.ServerReflectionClient(host.Channel).ServerReflectionInfo(GuardedHost.With(token));
        try
        {
            await call.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = "" });
            await call.RequestStream.CompleteAsync();
        }
        catch (RpcException)
        {
            // A refusal answers before the request is read, so sending it can fail (as CANCELLED, when the stream
            // closes before the client has read the answer); the response carries the status, as for any client.
        }
        (await call.ResponseStream.MoveNext()).ShouldBeTrue();
        return call.ResponseStream.Current.ListServicesResponse.Service.Select(s => s.Name).ToList();
    }
}
