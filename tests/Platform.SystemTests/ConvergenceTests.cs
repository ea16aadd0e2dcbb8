using System.Collections.Concurrent;
using Grpc.Core;
using Llr.Finance.V1;
using Llr.Practices.V1;
using Platform.Testing;
using Shouldly;
using static Platform.Testing.ProtoValues;

namespace Platform.SystemTests;

/// <summary>
/// Concurrent writes converge: eight clients transfer practices, record list sizes and merge practices among five City
/// PCNs at once (back-dated or not; 30 writes each, within a minute), over real gRPC, PostgreSQL and RabbitMQ. Once they stop and the queues drain,
/// Finance's copy equals what the registry answers for every PCN on every reference date, and every event the registry
/// published was applied once. The writes are bounded (a count and a time), and the seeds are printed, so a failure
/// can be replayed.
/// </summary>
public sealed class ConvergenceTests(SystemFixture platform)
{
    private static readonly string[] Pcns = ["millennium", "city-care-alliance", "leicester-city-south", "the-leicester-foxes", "aegis-healthcare"];
    private static readonly string[] Years = ["2019-20", "2020-21", "2021-22", "2022-23", "2023-24"];
    private static readonly DateOnly FirstDay = new(2019, 7, 2);
    private static readonly DateOnly LastDay = new(2024, 3, 31);
    private const int Clients = 8;
    private const int WritesPerClient = 30;
    private static readonly TimeSpan WritingTime = TimeSpan.FromSeconds(60);

    private readonly PracticeRegistryService.PracticeRegistryServiceClient _registry = new(platform.CallsTo("practices"));
    private readonly FinanceService.FinanceServiceClient _finance = new(platform.CallsTo("finance"));

    [Fact]
    public async Task Concurrent_transfers_list_sizes_and_merges_on_shared_pcns_leave_finance_equal_to_the_registry()
    {
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var practices = new List<string>();
        foreach (var pcn in Pcns)
        {
            var members = await _registry.GetPcnAsync(new GetPcnRequest { Name = $"pcns/{pcn}", AsAtDate = Date(today.Year, today.Month, today.Day) });
            // LLR126 is left to the transfer test below, which checks LLR's total around its own move.
            practices.AddRange(members.Members.Select(member => member.Practice).Where(name => name != "practices/LLR126"));
        }

        var outcomes = new ConcurrentDictionary<string, int>();
        var unexpected = new ConcurrentQueue<string>();
        var stopAt = DateTime.UtcNow + WritingTime;
        var seeds = Enumerable.Range(0, Clients).Select(_ => Random.Shared.Next()).ToArray();
        await Task.WhenAll(seeds.Select(seed => Task.Run(async () =>
        {
            var random = new Random(seed);
            for (var write = 0; write < WritesPerClient && DateTime.UtcNow < stopAt; write++)
            {
                var (kind, call) = NextWrite(random, practices);
                try
                {
                    await call();
                    outcomes.AddOrUpdate($"{kind} OK", 1, (_, count) => count + 1);
                }
                catch (RpcException refused) when (refused.StatusCode is StatusCode.FailedPrecondition or StatusCode.Aborted)
                {
                    outcomes.AddOrUpdate($"{kind} {refused.StatusCode}", 1, (_, count) => count + 1);
                }
                catch (RpcException failed)
                {
                    unexpected.Enqueue($"{kind} (seed {seed}): {failed.StatusCode} {failed.Status.Detail}");
                }
            }
        })));

        var summary = $"seeds {string.Join(", ", seeds)}; {string.Join(", ", outcomes.OrderBy(pair => pair.Key).Select(pair => $"{pair.Key} {pair.Value}"))}";
        TestContext.Current.TestOutputHelper?.WriteLine(summary);
        unexpected.ShouldBeEmpty(summary);
        outcomes.GetValueOrDefault("transfer OK").ShouldBeGreaterThanOrEqualTo(10, summary);
        outcomes.GetValueOrDefault("list size OK").ShouldBeGreaterThanOrEqualTo(10, summary);

        // Writes have stopped: wait until Finance holds what the registry answers for the PCNs written to...
        await Eventually.Until(async () => string.Join("; ", await DifferencesAsync(Pcns)), differences => differences.Length == 0,
            "Finance's populations equal the registry's for every written PCN and reference date", TimeSpan.FromSeconds(90));

        // ...then every event was applied exactly once, and every PCN agrees, not only those written to.
        await EveryRegistryEventWasAppliedOnceAsync();
        var pcns = (await _registry.ListPcnsAsync(new ListPcnsRequest { PageSize = 100 })).Pcns.Select(pcn => pcn.Name["pcns/".Length..]).ToList();
        (await DifferencesAsync(pcns)).ShouldBeEmpty();
    }

    [Fact]
    public async Task Moving_a_practice_out_of_a_pcn_paid_on_its_printed_total_moves_its_funding_and_creates_none()
    {
        // The Hedges (LLR126, 6,013 patients, 000_0b818a8f861e84b5.txt:520) leaves Leicester City South, which is paid on
        // its printed 35,417 (000:1896) since Walnut St MC has no size, for The Leicester Foxes, whose every member is
        // sized. Leicester City South must lose the 6,013 the Foxes gain, and LLR's totals must not move by a patient
        // or a penny.
        const string year = "2023-24";
        var before = await _finance.GetSystemAllocationAsync(new GetSystemAllocationRequest { Name = $"systemAllocations/{year}" });
        var south = Summary(before, "leicester-city-south");
        var foxes = Summary(before, "the-leicester-foxes");
        TestContext.Current.TestOutputHelper?.WriteLine($"LLR {year} before: £{Pounds(before.LlrTotal):N2} for {before.LlrPopulation:N0} patients");

        await _registry.TransferPracticeAsync(new TransferPracticeRequest
        {
            Name = "practices/LLR126",
            TargetPcn = "pcns/the-leicester-foxes",
            EffectiveDate = Date(2023, 4, 1),
            RequestId = NewRequestId(),
        });

        var after = await Eventually.Until(
            () => _finance.GetSystemAllocationAsync(new GetSystemAllocationRequest { Name = $"systemAllocations/{year}" }).ResponseAsync,
            now => Summary(now, "the-leicester-foxes").Population != foxes.Population, "Finance follows the transfer");
        TestContext.Current.TestOutputHelper?.WriteLine($"LLR {year} after: £{Pounds(after.LlrTotal):N2} for {after.LlrPopulation:N0} patients");

        Summary(after, "the-leicester-foxes").Population.ShouldBe(foxes.Population + 6_013);
        Summary(after, "leicester-city-south").Population.ShouldBe(south.Population - 6_013);
        after.LlrPopulation.ShouldBe(before.LlrPopulation);
        Pounds(after.LlrTotal).ShouldBe(Pounds(before.LlrTotal));
        after.Ccgs.Single(ccg => ccg.Ccg == "ccgs/leicester-city").Population.ShouldBe(before.Ccgs.Single(ccg => ccg.Ccg == "ccgs/leicester-city").Population);
    }

    private static PcnAllocationSummary Summary(SystemAllocation allocation, string pcn) => allocation.Pcns.Single(summary => summary.Pcn == $"pcns/{pcn}");

    private (string Kind, Func<Task> Call) NextWrite(Random random, List<string> practices)
    {
        var practice = practices[random.Next(practices.Count)];
        var date = FirstDay.AddDays(random.Next(LastDay.DayNumber - FirstDay.DayNumber));
        return random.Next(10) switch
        {
            < 6 => ("transfer", () => _registry.TransferPracticeAsync(new TransferPracticeRequest
            {
                Name = practice,
                TargetPcn = $"pcns/{Pcns[random.Next(Pcns.Length)]}",
                EffectiveDate = Date(date.Year, date.Month, date.Day),
                RequestId = NewRequestId(),
            }).ResponseAsync),
            < 9 => ("list size", () => _registry.CreateListSizeAsync(new CreateListSizeRequest
            {
                Parent = practice,
                ListSize = new ListSize { AsAtDate = Date(date.Year, date.Month, date.Day), RegisteredPatients = random.Next(1_000, 20_000) },
                RequestId = NewRequestId(),
            }).ResponseAsync),
            _ => ("merge", () => _registry.MergePracticesAsync(new MergePracticesRequest
            {
                Successor = practices.Where(other => other != practice).ElementAt(random.Next(practices.Count - 1)),
                Predecessors = { practice },
                EffectiveDate = Date(date.Year, date.Month, date.Day),
                RequestId = NewRequestId(),
            }).ResponseAsync),
        };
    }

    /// <summary>Every (PCN, reference date) where Finance's population differs from the registry's answer.</summary>
    private async Task<List<string>> DifferencesAsync(IEnumerable<string> pcns)
    {
        var differences = new List<string>();
        var registryAnswers = new Dictionary<(string, DateOnly), Pcn>();
        foreach (var pcn in pcns)
        foreach (var year in Years)
        {
            var allocation = await _finance.GetPcnAllocationAsync(new GetPcnAllocationRequest { Name = $"pcns/{pcn}/allocations/{year}" });
            foreach (var line in allocation.Lines)
            {
                var date = new DateOnly(line.ReferenceDate.Year, line.ReferenceDate.Month, line.ReferenceDate.Day);
                if (!registryAnswers.TryGetValue((pcn, date), out var answer))
                    registryAnswers[(pcn, date)] = answer = await _registry.GetPcnAsync(new GetPcnRequest { Name = $"pcns/{pcn}", AsAtDate = line.ReferenceDate });
                if (line.Population != answer.Population.Patients)
                    differences.Add($"{pcn} on {date:yyyy-MM-dd} ({line.FundingStream}): Finance {line.Population}, registry {answer.Population.Patients}");
            }
        }
        return differences;
    }

    private async Task EveryRegistryEventWasAppliedOnceAsync()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var published = platform.DatabaseOf("practicesdb").CreateCommand("SELECT id FROM messaging.outbox WHERE dispatched_at IS NOT NULL");
        var ids = new List<Guid>();
        await using (var reader = await published.ExecuteReaderAsync(cancellationToken))
            while (await reader.ReadAsync(cancellationToken)) ids.Add(reader.GetGuid(0));
        (await ScalarAsync<long>(platform.DatabaseOf("practicesdb"), "SELECT count(*) FROM messaging.outbox WHERE dispatched_at IS NULL")).ShouldBe(0);

        await using var applied = platform.DatabaseOf("financedb").CreateCommand(
            "SELECT count(*), count(DISTINCT message_id) FROM messaging.inbox WHERE message_id = ANY($1)");
        applied.Parameters.AddWithValue(ids.ToArray());
        await using var counts = await applied.ExecuteReaderAsync(cancellationToken);
        await counts.ReadAsync(cancellationToken);
        counts.GetInt64(1).ShouldBe(ids.Count, "every event the registry published reached Finance");
        counts.GetInt64(0).ShouldBe(ids.Count, "and was applied once");
    }

    private static async Task<T> ScalarAsync<T>(Npgsql.NpgsqlDataSource database, string sql)
    {
        await using var command = database.CreateCommand(sql);
        return (T)(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken))!;
    }
}
