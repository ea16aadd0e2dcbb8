using System.Diagnostics;
using Llr.Practices.V1;
using Platform.Benchmarks;

// The platform's benchmark (issue 9 §1): the reads, the writes and the event flow of the real platform, each read
// measured against a bare grpc-dotnet echo service in the same run, beside the same echo served through the platform's
// pipeline. See README.md, "Performance".
if (args is [EchoServer.ServeArgument or EchoServer.ServeThroughThePlatformArgument, var echoPort])
{
    await EchoServer.ServeAsync(args[0], int.Parse(echoPort, System.Globalization.CultureInfo.InvariantCulture));
    return 0;
}

var options = BenchmarkOptions.Parse(args);
if (BenchmarkPlatform.ServiceConfiguration != "Release")
{
    Console.Error.WriteLine($"The services would run in {BenchmarkPlatform.ServiceConfiguration}: run the benchmark with " +
        "`dotnet run -c Release --project tests/Platform.Benchmarks`, so the AppHost, and with it every service, is Release.");
    return 2;
}

const int ThroughputCallers = 32;
const int LatencyCallers = 8;
Console.WriteLine($"Machine: {Machine.Describe()}");
Console.WriteLine($"Options: {options}");

var boot = Stopwatch.StartNew();
await using var echo = await EchoServerProcess.StartAsync(CancellationToken.None);
await using var platform = new BenchmarkPlatform(options.Verbose, options.ServiceEnvironment);
await platform.InitializeAsync();
Console.WriteLine($"Platform healthy after {boot.Elapsed.TotalSeconds:F0} s; services in {BenchmarkPlatform.ServiceConfiguration}, " +
    "sampling a tenth of new traces, exporting to the dashboard; PostgreSQL durable.");

var registry = new PracticeRegistryService.PracticeRegistryServiceClient(platform.ChannelTo("practices"));
List<Operation> reads = options.WritesOnly
    ? []
    : Reads.Of(await SeedNames.ReadAsync(registry)).Where(read => options.Measures(read.Name)).ToList();
// Only when measured, since even idle it exports metrics to the dashboard; after the platform, whose registry's
// settings it runs with.
await using var platformEcho = reads.Contains(Reads.PlatformEcho)
    ? await EchoServerProcess.StartThroughThePlatformAsync(
        ServiceEnvironment.Of("Practices.Api", "platform-echo"), () => platform.TokenAsync(), CancellationToken.None)
    : null;
var addresses = new Dictionary<string, Uri>
{
    ["echo"] = echo.Address,
    ["practices"] = platform.Endpoint("practices", "grpc"),
    ["finance"] = platform.Endpoint("finance", "grpc"),
};
if (platformEcho is not null) addresses["platform-echo"] = platformEcho.Address;
var interleaved = new Interleaved(new ClosedLoop(options.WarmUp, options.Duration), addresses, () => platform.TokenAsync());
var report = new List<string>();

void Section(string title)
{
    Console.WriteLine();
    Console.WriteLine(title);
    report.Add("");
    report.Add(title);
}

void Table(IEnumerable<Row> rows)
{
    report.Add(Row.Header);
    foreach (var row in rows)
    {
        report.Add(Row.Format(row));
        report.Add(row.Measured.CpuBreakdown);
    }
}

IReadOnlyList<Row> freshReads = [];
if (!options.WritesOnly)
{
    await interleaved.PrimeAsync([Reads.Echo, .. reads], ThroughputCallers, options.WarmUp * 2);

    Section($"Reads: throughput at {ThroughputCallers} concurrent callers, each run beside the echo's before and after it");
    freshReads = await interleaved.RunAsync(reads, ThroughputCallers);
    Table(freshReads);

    Section($"Reads: latency at {LatencyCallers} concurrent callers (goal p99 <= 5 ms)");
    Table(await interleaved.RunAsync(reads, LatencyCallers));
}

if (!options.ReadsOnly)
{
    var transfers = await Transfers.PlanAsync(registry);
    var flow = new EventFlow(platform.DatabaseOf("practicesdb"), platform.DatabaseOf("financedb"));

    Section($"TransferPractice at {options.Writers} concurrent clients (goal p99 <= 50 ms), " +
        $"{transfers.PracticeCount} City practices moving between City PCNs");
    Table([new Row(await interleaved.MeasureAsync(transfers.Operation, options.Writers), null)]);

    Section($"Sustained transfers for {options.Sustain.TotalSeconds:F0} s from {options.Writers} clients; " +
        "then Finance must have applied every event");
    var statements = new StatementCosts(platform.DatabaseOf("practicesdb"));
    await statements.ResetAsync();
    var since = await flow.DatabaseNowAsync();
    var sustained = await interleaved.MeasureAsync(transfers.Operation, options.Writers,
        new ClosedLoop(options.WarmUp, options.Sustain));
    Table([new Row(sustained, null)]);
    var applied = await flow.WaitUntilAppliedAsync(since, TimeSpan.FromMinutes(3));
    Console.WriteLine(applied);
    report.Add(applied.ToString());

    Section("PostgreSQL's execution time by statement, from the sustained transfers until Finance applied the last event");
    report.AddRange(await statements.TopAsync(12));

    if (options.History > 0)
    {
        Section($"Flat with history: {options.History} transfers in all, then the reads at {ThroughputCallers} callers again");
        var historyStarted = Stopwatch.StartNew();
        var historySince = await flow.DatabaseNowAsync();
        var refused = await transfers.RunUntilAsync(addresses["practices"], options.Writers, options.History, () => platform.TokenAsync());
        var written = historyStarted.Elapsed;
        var historyFlow = await flow.WaitUntilAppliedAsync(historySince, TimeSpan.FromMinutes(10));
        report.Add($"{transfers.Accepted} transfers accepted in all ({written.TotalSeconds:F0} s for this part; refused: " +
            $"{(refused.Count == 0 ? "none" : string.Join(", ", refused.Select(pair => $"{pair.Value} {pair.Key}")))})");
        report.Add(historyFlow.ToString());
        var laterReads = await interleaved.RunAsync(reads, ThroughputCallers);
        Table(laterReads);
        report.Add("Change from the fresh registry, as % of echo (goal: within 10%):");
        foreach (var (fresh, later) in freshReads.Zip(laterReads).Where(pair => pair.First.PercentOfEcho is not null))
        {
            var change = 100 * (later.PercentOfEcho!.Value / fresh.PercentOfEcho!.Value - 1);
            report.Add($"  {fresh.Measured.Name,-28} {fresh.PercentOfEcho,6:F2}% -> {later.PercentOfEcho,6:F2}%  ({change:+0.0;-0.0}%)");
        }
    }
}

Console.WriteLine();
Console.WriteLine("==== Results ====");
Console.WriteLine($"Machine: {Machine.Describe()}");
foreach (var line in report) Console.WriteLine(line);
return 0;
