using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Platform.ServiceDefaults.Tests.Guarded;

namespace Platform.ServiceDefaults.Tests;

/// <summary>
/// A service built as the platform's are (AddServiceDefaults, MapDefaultEndpoints), serving the tests' GuardedService
/// over HTTP/2 with Kestrel on a port of its own, its tokens from a <see cref="StandInAuthority"/>.
/// </summary>
public sealed class GuardedHost : IAsyncDisposable
{
    public const string Audience = "guarded";
    private readonly WebApplication _app;
    private readonly GrpcChannel _channel;

    private GuardedHost(WebApplication app, GrpcChannel channel) => (_app, _channel) = (app, channel);

    public static WebApplication Build(IDictionary<string, string?> settings, Action<WebApplication>? map = null, string environment = "Production")
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = environment });
        builder.Logging.ClearProviders().AddConsole().SetMinimumLevel(LogLevel.Warning);
        builder.Configuration.AddInMemoryCollection(settings);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(System.Net.IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2));
        builder.AddServiceDefaults();
        // Every platform service has its database (the audit trail's store needs one); this stand-in never opens it,
        // having no write RPC.
        builder.Services.AddSingleton(_ => Npgsql.NpgsqlDataSource.Create("Host=127.0.0.1;Port=1"));
        var app = builder.Build();
        app.MapDefaultEndpoints();
        app.MapGrpcService<Guarded>();
        map?.Invoke(app);
        return app;
    }

    public static async Task<GuardedHost> StartAsync(StandInAuthority authority, IDictionary<string, string?>? settings = null, string environment = "Production")
    {
        var all = new Dictionary<string, string?>
        {
            ["Identity:Authority"] = authority.Url,
            ["Identity:Audience"] = Audience,
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>()) all[key] = value;
        var app = Build(all, environment: environment);
        await app.StartAsync(TestContext.Current.CancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        // Header values go out as UTF-8, so tokens in other alphabets reach the service (by default the client refuses them).
        var handler = new System.Net.Http.SocketsHttpHandler { RequestHeaderEncodingSelector = (_, _) => System.Text.Encoding.UTF8 };
        return new GuardedHost(app, GrpcChannel.ForAddress(address, new GrpcChannelOptions { HttpHandler = handler }));
    }

    public GrpcChannel Channel => _channel;

    public GuardedService.GuardedServiceClient Client => new(_channel);

    /// <summary>Call options with the token (none when null), a deadline and the test's cancellation.</summary>
    public static CallOptions With(string? token)
    {
        var headers = new Metadata();
        if (token is not null) headers.Add("Authorization", "Bearer " + token);
        return new CallOptions(headers, DateTime.UtcNow.AddSeconds(30), TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        _channel.Dispose();
        await _app.DisposeAsync();
    }

    private sealed class Guarded : GuardedService.GuardedServiceBase
    {
        public override Task<Ping> Read(Ping request, ServerCallContext context) => Task.FromResult(new Ping { Text = "read " + request.Text });

        public override Task<Ping> Write(Ping request, ServerCallContext context) => Task.FromResult(new Ping { Text = "wrote " + request.Text });
    }

    /// <summary>Maps the service that declares no scope, to check the start is refused.</summary>
    public sealed class Undeclared : UndeclaredService.UndeclaredServiceBase
    {
        public override Task<Ping> Anything(Ping request, ServerCallContext context) => Task.FromResult(request);
    }
}
