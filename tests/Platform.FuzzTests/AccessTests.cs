using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Aspire.Hosting.ApplicationModel;
using Google.Protobuf.Reflection;
using Grpc.Core;
using Grpc.Net.Client;
using Platform.AppHost;
using Platform.Testing;
using Shouldly;

namespace Platform.FuzzTests;

/// <summary>
/// Who may call what, for every RPC of every service, enumerated from the generated service descriptors (a new RPC is
/// covered without editing this test), with real tokens from the platform's token service: no token is UNAUTHENTICATED,
/// a token with every scope but the RPC's is PERMISSION_DENIED naming it, a token with only its scope is let in.
/// </summary>
public sealed class AccessTests(FuzzFixture platform)
{
    private static readonly Marshaller<byte[]> Raw = Marshallers.Create(bytes => bytes, bytes => bytes);

    /// <summary>The proto services and the platform resource serving each.</summary>
    public static readonly (ServiceDescriptor Service, string Resource)[] Services =
    [
        (Llr.Practices.V1.PracticeRegistryService.Descriptor, "practices"),
        (Llr.Finance.V1.FinanceService.Descriptor, "finance"),
    ];

    public static TheoryData<string> Rpcs => [.. Services.SelectMany(s => s.Service.Methods).Select(m => m.FullName)];

    [Theory]
    [MemberData(nameof(Rpcs))]
    public async Task Without_a_token_it_is_unauthenticated(string rpc)
    {
        var (method, resource) = Find(rpc);

        var error = await Should.ThrowAsync<RpcException>(() => CallAsync(platform.AnonymousChannelTo(resource), method));

        error.StatusCode.ShouldBe(StatusCode.Unauthenticated);
        error.Status.Detail.ShouldBe("Unauthenticated: no bearer access token.");
    }

    [Theory]
    [MemberData(nameof(Rpcs))]
    public async Task With_every_scope_but_its_own_it_is_denied_naming_the_scope(string rpc)
    {
        var (method, resource) = Find(rpc);
        var scope = ScopeOf(method);
        var others = PlatformTopology.AllScopes.Where(s => s != scope).ToArray();

        var error = await Should.ThrowAsync<RpcException>(() => CallAsync(platform.AuthorizedChannelTo(resource, others), method));

        error.StatusCode.ShouldBe(StatusCode.PermissionDenied);
        error.Status.Detail.ShouldContain(scope);
        error.GetRpcStatus()!.GetDetail<Google.Rpc.ErrorInfo>().Metadata["required_scope"].ShouldBe(scope);
    }

    [Theory]
    [MemberData(nameof(Rpcs))]
    public async Task With_only_its_own_scope_it_is_let_in(string rpc)
    {
        var (method, resource) = Find(rpc);

        // An empty request: the RPC answers it (most with INVALID_ARGUMENT for what is missing), and writes nothing.
        var code = StatusCode.OK;
        try
        {
            await CallAsync(platform.AuthorizedChannelTo(resource, ScopeOf(method)), method);
        }
        catch (RpcException e)
        {
            code = e.StatusCode;
        }

        code.ShouldNotBe(StatusCode.Unauthenticated);
        code.ShouldNotBe(StatusCode.PermissionDenied);
        code.ShouldNotBe(StatusCode.Internal);
        code.ShouldNotBe(StatusCode.Unknown);
    }

    /// <summary>At least 200 generated hostile tokens to every service: every one UNAUTHENTICATED, none INTERNAL or UNKNOWN.</summary>
    [Fact]
    public async Task Hostile_tokens_are_all_unauthenticated()
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable("FUZZ_SEED"), out var chosen) ? chosen : 20_261_203;
        var (key, keyId) = await PublishedKeyAsync();
        var output = TestContext.Current.TestOutputHelper;
        foreach (var (service, resource) in Services)
        {
            var method = service.Methods[0];
            var tokens = HostileTokens.Generate(new Random(seed), await platform.TokenAsync(ScopeOf(method)), key, keyId);
            tokens.Count.ShouldBeGreaterThanOrEqualTo(200);
            // Header values go out as UTF-8, so tokens in other alphabets reach the service.
            using var channel = GrpcChannel.ForAddress(platform.Endpoint(resource, "grpc"), new GrpcChannelOptions
            {
                HttpHandler = new SocketsHttpHandler { RequestHeaderEncodingSelector = (_, _) => System.Text.Encoding.UTF8 },
            });

            var outcomes = new List<(string What, StatusCode Code, string Detail)>();
            foreach (var (what, token) in tokens)
            {
                try
                {
                    await CallAsync(channel, method, token);
                    outcomes.Add((what, StatusCode.OK, ""));
                }
                catch (RpcException e)
                {
                    outcomes.Add((what, e.StatusCode, e.Status.Detail));
                }
            }

            output?.WriteLine($"{resource}, seed {seed} (FUZZ_SEED replays it): {tokens.Count} tokens; "
                + string.Join(", ", outcomes.GroupBy(o => o.Detail).Select(g => $"{g.Key} {g.Count()}")));
            outcomes.Where(o => o.Code != StatusCode.Unauthenticated).Select(o => $"{o.What}: {o.Code} {o.Detail}").ShouldBeEmpty();
        }
    }

    [Fact]
    public async Task A_short_lived_token_stops_working_when_it_expires()
    {
        using var tokens = new TestTokens(platform.Endpoint("identity", "http"), FuzzFixture.ShortLivedClient,
            Path.Combine(platform.StateDirectory, "identity", "clients", $"{FuzzFixture.ShortLivedClient}.secret"));
        var token = await tokens.TokenAsync("finance.read");
        var method = Llr.Finance.V1.FinanceService.Descriptor.FindMethodByName("GetFinancialYear");
        var channel = platform.AnonymousChannelTo("finance");

        (await Should.ThrowAsync<RpcException>(() => CallAsync(channel, method, token))).StatusCode.ShouldBe(StatusCode.InvalidArgument);
        // Its lifetime, then the services' clock skew, and a second more.
        await Task.Delay(FuzzFixture.ShortLifetime + FuzzFixture.ClockSkew + TimeSpan.FromSeconds(1), TestContext.Current.CancellationToken);

        var error = await Should.ThrowAsync<RpcException>(() => CallAsync(channel, method, token));
        error.StatusCode.ShouldBe(StatusCode.Unauthenticated);
        error.Status.Detail.ShouldBe("Unauthenticated: access token expired.");
    }

    /// <summary>The token service's current signing key, as it publishes it.</summary>
    private async Task<(RSAParameters Key, string KeyId)> PublishedKeyAsync()
    {
        using var http = new HttpClient { BaseAddress = platform.Endpoint("identity", "http") };
        var cancellation = TestContext.Current.CancellationToken;
        var discovery = await http.GetFromJsonAsync<JsonElement>(".well-known/openid-configuration", cancellation);
        var keys = await http.GetFromJsonAsync<JsonElement>(discovery.GetProperty("jwks_uri").GetString(), cancellation);
        var key = keys.GetProperty("keys").EnumerateArray().First(k => k.GetProperty("kty").GetString() == "RSA");
        return (new RSAParameters
        {
            Modulus = System.Buffers.Text.Base64Url.DecodeFromChars(key.GetProperty("n").GetString()),
            Exponent = System.Buffers.Text.Base64Url.DecodeFromChars(key.GetProperty("e").GetString()),
        }, key.TryGetProperty("kid", out var kid) ? kid.GetString()! : "");
    }

    private static (MethodDescriptor Method, string Resource) Find(string rpc)
    {
        var (service, resource) = Services.Single(s => rpc.StartsWith(s.Service.FullName + ".", StringComparison.Ordinal));
        return (service.FindMethodByName(rpc[(service.FullName.Length + 1)..]), resource);
    }

    private static string ScopeOf(MethodDescriptor method) =>
        method.GetOptions().GetExtension(Llr.Auth.V1.AuthExtensions.RequiredScope);

    private static Task<byte[]> CallAsync(GrpcChannel channel, MethodDescriptor method, string? token = null)
    {
        var call = new Method<byte[], byte[]>(MethodType.Unary, method.Service.FullName, method.Name, Raw, Raw);
        var headers = new Metadata();
        if (token is not null) headers.Add("Authorization", "Bearer " + token);
        return channel.CreateCallInvoker().AsyncUnaryCall(call, null,
            new CallOptions(headers, DateTime.UtcNow.AddSeconds(30), TestContext.Current.CancellationToken), []).ResponseAsync;
    }
}
