using System.Collections.Concurrent;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Platform.AppHost;

namespace Platform.Testing;

/// <summary>
/// The platform booted from Platform.AppHost through Aspire.Hosting.Testing, as `dotnet run` boots it but on
/// random ports with throw-away data: the whole of it for system tests, or some services and the servers they need
/// (<see cref="Services"/>) for service tests. Once per test assembly (an assembly fixture); everything it started
/// is stopped, and its data deleted, when the assembly is done.
/// </summary>
public class PlatformFixture : IAsyncLifetime
{
    private const string DashboardName = "aspire-dashboard";
    private const string OtlpGrpcEndpointName = "otlp-grpc";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(3);
    private readonly ConcurrentDictionary<string, GrpcChannel> _channels = new();
    private readonly ConcurrentDictionary<string, NpgsqlDataSource> _databases = new();
    private readonly Dictionary<string, string> _connectionStrings = new();
    private DirectoryInfo? _state;
    private DistributedApplication? _app;
    private TestTokens? _tokens;

    /// <summary>The token service's client the fixture configures for tests: every scope.</summary>
    public const string TestClient = "platform-tests";

    public DistributedApplication App => _app ?? throw new InvalidOperationException($"{GetType().Name} has not been initialised.");

    /// <summary>The services to run (<c>Platform:Services</c>); null for all of them, empty for the servers alone.</summary>
    protected virtual string? Services => null;

    /// <summary>Whether to run the Aspire dashboard, which then receives every resource's telemetry.</summary>
    protected virtual bool WithDashboard => false;

    /// <summary>
    /// Whether PostgreSQL syncs its commits to disk (<c>Postgres:Durable</c>). Tests do without, for speed; a
    /// benchmark of writes needs what a real start has.
    /// </summary>
    protected virtual bool DurableDatabase => false;

    /// <summary>The resources whose console log the fixture keeps from the start, for <see cref="ConsoleLineAsync"/>.</summary>
    protected virtual IReadOnlyList<string> KeptConsoleLogs => [];

    private readonly ConcurrentDictionary<string, ConcurrentQueue<string>> _consoleLogs = new();
    private readonly CancellationTokenSource _stopWatching = new();

    /// <summary>Changes to the platform before it is built, such as a service's environment.</summary>
    protected virtual void Configure(IDistributedApplicationTestingBuilder builder)
    {
    }

    /// <summary>The dashboard's address, where <see cref="WithDashboard"/> is on.</summary>
    public Uri DashboardUrl { get; private set; } = null!;

    /// <summary>Where resources export OTLP (the dashboard's receiver), where <see cref="WithDashboard"/> is on.</summary>
    public Uri OtlpEndpoint { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(StartTimeout);
        _state = Directory.CreateTempSubdirectory("llr-test-state-");
        // The servers run as their own accounts and must reach their folders inside it.
        _state.UnixFileMode |= UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;

        List<string> arguments = [$"--Platform:StateDirectory={_state.FullName}", $"--Postgres:Durable={DurableDatabase}"];
        arguments.AddRange(PlatformTopology.AllScopes.Select((scope, i) => $"--{IdentityClients.Section}:{TestClient}:Scopes:{i}={scope}"));
        if (Services is { } services) arguments.Add($"--Platform:Services={services}");
        if (WithDashboard)
        {
            arguments.AddRange([
                // Any free port for the AppHost's resource service (the dashboard's own ports are randomised).
                "--ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL=http://127.0.0.1:0",
                // Tests read traces from the dashboard's telemetry API with no login.
                "--ASPIRE_DASHBOARD_UNSECURED_ALLOW_ANONYMOUS=true",
            ]);
        }

        var builder = await DistributedApplicationTestingBuilder.CreateAsync(
            typeof(PlatformTopology), [.. arguments], (options, _) => options.DisableDashboard = !WithDashboard, timeout.Token);
        Configure(builder);
        if (WithDashboard) ExportToTheDashboardsRandomisedPort(builder);
        else ExportNoTelemetry(builder);
        var app = await builder.BuildAsync(timeout.Token);
        KeepConsoleLogs(app);
        try
        {
            await app.StartAsync(timeout.Token);
            var model = app.Services.GetRequiredService<DistributedApplicationModel>();
            // The services and the servers; not Aspire's own helpers (such as a project's hidden rebuilder).
            foreach (var resource in model.Resources.Where(r => r is ProjectResource or IResourceWithConnectionString))
            {
                await app.ResourceNotifications.WaitForResourceHealthyAsync(resource.Name, timeout.Token);
            }

            if (WithDashboard)
            {
                DashboardUrl = app.GetEndpoint(DashboardName, "http");
                OtlpEndpoint = app.GetEndpoint(DashboardName, OtlpGrpcEndpointName);
            }

            foreach (var resource in model.Resources.OfType<IResourceWithConnectionString>())
            {
                _connectionStrings[resource.Name] = (await resource.GetConnectionStringAsync(timeout.Token))!;
            }
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        _app = app;
    }

    /// <summary>
    /// Aspire gives services the OTLP address from configuration, which is the dashboard's port before its test host
    /// randomises it; so in tests each service is pointed at the port the dashboard's receiver really has.
    /// </summary>
    private static void ExportToTheDashboardsRandomisedPort(IDistributedApplicationTestingBuilder builder)
    {
        foreach (var project in builder.Resources.OfType<ProjectResource>())
        {
            builder.CreateResourceBuilder(project).WithEnvironment(context =>
            {
                var model = context.ExecutionContext.Services.GetRequiredService<DistributedApplicationModel>();
                var dashboard = (IResourceWithEndpoints)model.Resources.Single(r => r.Name == DashboardName);
                context.EnvironmentVariables["OTEL_EXPORTER_OTLP_ENDPOINT"] = dashboard.GetEndpoint(OtlpGrpcEndpointName).Url;
            });
        }
    }

    /// <summary>
    /// Without a dashboard, Aspire still hands services its OTLP address, where nothing listens. Their exporters would
    /// then retry every batch, and at shutdown wait on those retries for longer than the orchestrator waits for a
    /// stopped process (seen: a stopped registry that never reached Exited). So services of a fixture without a
    /// dashboard export nothing, as a service started with no OTLP address does.
    /// </summary>
    private static void ExportNoTelemetry(IDistributedApplicationTestingBuilder builder)
    {
        foreach (var project in builder.Resources.OfType<ProjectResource>())
        {
            builder.CreateResourceBuilder(project).WithEnvironment(context =>
                context.EnvironmentVariables.Remove("OTEL_EXPORTER_OTLP_ENDPOINT"));
        }
    }

    /// <summary>
    /// Watches the console log of each kept resource from its start. Logs are kept under each process's own id (a
    /// project's replica is "identity-abcd1234"), which is known once it is created, so the watching starts there.
    /// </summary>
    private void KeepConsoleLogs(DistributedApplication app)
    {
        if (KeptConsoleLogs.Count == 0) return;
        foreach (var resource in KeptConsoleLogs) _consoleLogs.TryAdd(resource, new ConcurrentQueue<string>());
        var watched = new ConcurrentDictionary<string, bool>();
        _ = Task.Run(async () =>
        {
            try
            {
                await foreach (var change in app.ResourceNotifications.WatchAsync(_stopWatching.Token))
                {
                    if (_consoleLogs.TryGetValue(change.Resource.Name, out var log) && watched.TryAdd(change.ResourceId, true))
                    {
                        _ = Task.Run(() => CopyConsoleLog(app, change.ResourceId, log));
                    }
                }
            }
            catch (OperationCanceledException)
            {
                // The fixture is done.
            }
        });
    }

    private async Task CopyConsoleLog(DistributedApplication app, string resourceId, ConcurrentQueue<string> log)
    {
        try
        {
            await foreach (var lines in app.Services.GetRequiredService<ResourceLoggerService>().WatchAsync(resourceId).WithCancellation(_stopWatching.Token))
            {
                foreach (var line in lines) log.Enqueue(line.Content);
            }
        }
        catch (OperationCanceledException)
        {
            // The fixture is done.
        }
    }

    /// <summary>The folder holding every server's throw-away data (<c>Platform:StateDirectory</c>).</summary>
    public string StateDirectory => _state?.FullName ?? throw new InvalidOperationException($"{GetType().Name} has not been initialised.");

    /// <summary>A resource's endpoint, e.g. ("practices", "grpc").</summary>
    public Uri Endpoint(string resource, string endpoint) => App.GetEndpoint(resource, endpoint);

    public string ConnectionString(string resource) => _connectionStrings[resource];

    /// <summary>
    /// The service's gRPC endpoint, as a channel shared by every test, whose calls carry a token of the test client with
    /// every scope: tests call the services as users do, with authentication on.
    /// </summary>
    public GrpcChannel ChannelTo(string service) => AuthorizedChannelTo(service, []);

    /// <summary>The service's gRPC endpoint as a channel whose calls carry no token.</summary>
    public GrpcChannel AnonymousChannelTo(string service) =>
        _channels.GetOrAdd($"{service} anonymous", _ => GrpcChannel.ForAddress(Endpoint(service, "grpc")));

    /// <summary>Calls to the service with every scope, each with the running test's cancellation and a deadline.</summary>
    public CallInvoker CallsTo(string service) => ChannelTo(service).Intercept(new TestCallInterceptor(TimeSpan.FromSeconds(30)));

    /// <summary>Tokens of the test client from the running token service (the fixture must run identity).</summary>
    public TestTokens Tokens => _tokens ??= new TestTokens(
        Endpoint("identity", "http"), TestClient, Path.Combine(StateDirectory, "identity", "clients", $"{TestClient}.secret"));

    /// <summary>An access token of the test client with exactly <paramref name="scopes"/> (all of them when none are named).</summary>
    public Task<string> TokenAsync(params string[] scopes) => Tokens.TokenAsync(scopes);

    /// <summary>
    /// Calls to the service as <see cref="CallsTo"/> makes them, each also carrying <c>Authorization: Bearer</c> with a
    /// token of exactly <paramref name="scopes"/>.
    /// </summary>
    public CallInvoker AuthorizedCallsTo(string service, params string[] scopes) =>
        AuthorizedChannelTo(service, scopes).Intercept(new TestCallInterceptor(TimeSpan.FromSeconds(30)));

    /// <summary>A channel whose calls carry a token of exactly <paramref name="scopes"/> (every scope when none are named).</summary>
    public GrpcChannel AuthorizedChannelTo(string service, params string[] scopes) =>
        _channels.GetOrAdd(scopes.Length == 0 ? service : $"{service} as {string.Join(' ', scopes)}", _ => GrpcChannel.ForAddress(Endpoint(service, "grpc"), new GrpcChannelOptions
        {
            Credentials = ChannelCredentials.Create(ChannelCredentials.Insecure,
                CallCredentials.FromInterceptor(async (_, metadata) => metadata.Add("Authorization", $"Bearer {await TokenAsync(scopes)}"))),
            // Plain HTTP/2 to the local platform; a bearer token is sent over it only in tests.
            UnsafeUseInsecureChannelCallCredentials = true,
        }));

    /// <summary>
    /// The first line of the resource's console log that <paramref name="matches"/>, waiting up to
    /// <paramref name="patience"/> for it. The resource must be among <see cref="KeptConsoleLogs"/>: Aspire hands a
    /// log only to those watching it as it is written, so the fixture watches those from the start.
    /// </summary>
    public Task<string> ConsoleLineAsync(string resource, Func<string, bool> matches, TimeSpan patience)
    {
        var log = _consoleLogs.TryGetValue(resource, out var kept)
            ? kept
            : throw new InvalidOperationException($"{GetType().Name} keeps no console log of {resource}: add it to {nameof(KeptConsoleLogs)}.");
        return Eventually.Until(() => Task.FromResult(log.FirstOrDefault(matches)), line => line is not null,
            $"a line of {resource}'s console log that matches", patience)!;
    }

    /// <summary>A service's own database, to check what a write left behind (the outbox, for one).</summary>
    public NpgsqlDataSource DatabaseOf(string connectionName) =>
        _databases.GetOrAdd(connectionName, name => NpgsqlDataSource.Create(ConnectionString(name)));

    /// <summary>Stops a resource as the dashboard's Stop button does; returns once it has stopped.</summary>
    public Task StopAsync(string resource, CancellationToken cancellationToken = default) =>
        RunCommandAsync(resource, KnownResourceCommands.StopCommand, [KnownResourceStates.Exited, KnownResourceStates.Finished], cancellationToken);

    /// <summary>Starts a stopped resource as the dashboard's Start button does; returns once it is healthy again.</summary>
    public async Task StartAsync(string resource, CancellationToken cancellationToken = default)
    {
        await RunCommandAsync(resource, KnownResourceCommands.StartCommand, [KnownResourceStates.Running], cancellationToken);
        await App.ResourceNotifications.WaitForResourceHealthyAsync(resource, cancellationToken);
    }

    /// <summary>
    /// Runs a command that restarts the resource (as from the dashboard) and returns once it is healthy again. It waits
    /// for Running first: just after the restart, the snapshot of the process that was stopped (Exited) can still be
    /// the latest, and Aspire's wait for health takes that for a failed start.
    /// </summary>
    public async Task RunRestartingCommandAsync(string resource, string command, CancellationToken cancellationToken = default)
    {
        var result = await App.ResourceCommands.ExecuteCommandAsync(resource, command, cancellationToken);
        if (!result.Success) throw new InvalidOperationException($"{command} on {resource} failed: {result.Message}");
        await App.ResourceNotifications.WaitForResourceAsync(resource, KnownResourceStates.Running, cancellationToken);
        await App.ResourceNotifications.WaitForResourceHealthyAsync(resource, cancellationToken);
    }

    /// <summary>
    /// Runs the command and waits for the state it leads to. The orchestrator can report a stop as failed when the
    /// process takes longer to exit than it waits (a service's graceful shutdown on a busy machine) although it does
    /// exit; so the state, not the report, decides, with a minute's patience.
    /// </summary>
    private async Task RunCommandAsync(string resource, string command, string[] states, CancellationToken cancellationToken)
    {
        var result = await App.ResourceCommands.ExecuteCommandAsync(resource, command, cancellationToken);
        using var patience = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        patience.CancelAfter(TimeSpan.FromMinutes(1));
        try
        {
            await App.ResourceNotifications.WaitForResourceAsync(resource, states, patience.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new InvalidOperationException($"{command} on {resource} did not reach {string.Join(" or ", states)} ({result.Message}).");
        }
    }

    /// <summary>Creates a database of its own on the platform's PostgreSQL and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string? name = null, CancellationToken cancellationToken = default)
    {
        name ??= $"test_{Guid.NewGuid():N}";
        await using var connection = new NpgsqlConnection(ConnectionString("postgres") + ";Database=postgres;Pooling=false");
        await connection.OpenAsync(cancellationToken);
        await LocalPostgresBuilderExtensions.CreateDatabaseAsync(connection, name, cancellationToken);
        return new NpgsqlConnectionStringBuilder(ConnectionString("postgres")) { Database = name }.ConnectionString;
    }

    public virtual async ValueTask DisposeAsync()
    {
        await _stopWatching.CancelAsync();
        _stopWatching.Dispose();
        foreach (var channel in _channels.Values) channel.Dispose();
        _tokens?.Dispose();
        foreach (var database in _databases.Values) await database.DisposeAsync();
        if (_app is not null) await _app.DisposeAsync();
        _state?.Delete(recursive: true);
        GC.SuppressFinalize(this);
    }
}
