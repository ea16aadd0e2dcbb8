using Grpc.Core;
using Llr.Practices.V1;

namespace Platform.Benchmarks;

/// <summary>
/// TransferPractice calls that the registry accepts, one after another without end: each Leicester City practice moves
/// between its own PCN and the next City PCN (the commissioner boundary rule refuses moves to another CCG's PCN), one
/// day later each time, from the day after the PCNs began (history may only be extended, never rewritten). Each caller
/// moves practices of its own, so no two callers race for one practice; they do share PCNs, whose figures a write locks.
/// </summary>
public sealed class Transfers
{
    private static readonly DateOnly FirstMove = new(2019, 7, 2);
    private readonly IReadOnlyList<MovingPractice> _practices;
    private long _accepted;

    private Transfers(IReadOnlyList<MovingPractice> practices) => _practices = practices;

    public int PracticeCount => _practices.Count;

    /// <summary>Transfers the registry accepted so far, in every run.</summary>
    public long Accepted => Interlocked.Read(ref _accepted);

    public static async Task<Transfers> PlanAsync(PracticeRegistryService.PracticeRegistryServiceClient registry)
    {
        var city = new ListPcnsRequest { Ccg = Ccg.LeicesterCity, PageSize = 100 };
        var pcns = (await registry.ListPcnsAsync(city, deadline: Channels.Deadline())).Pcns.Select(pcn => pcn.Name).ToList();
        var practices = await registry.ListPracticesAsync(
            new ListPracticesRequest { Ccg = Ccg.LeicesterCity, PageSize = 200 }, deadline: Channels.Deadline());
        return new Transfers([.. practices.Practices
            .Where(practice => practice.State == PracticeState.Open && pcns.Contains(practice.Pcn))
            .Select(practice => new MovingPractice(practice.Name, practice.Pcn,
                pcns[(pcns.IndexOf(practice.Pcn) + 1) % pcns.Count]))]);
    }

    public Operation Operation => new("TransferPractice", "practices", (channels, caller) =>
    {
        var client = new PracticeRegistryService.PracticeRegistryServiceClient(channels.For(caller));
        var callers = channels.Callers;
        var mine = _practices.Where((_, index) => index % callers == caller).ToList();
        return count => TransferAsync(client, mine[(int)(count % mine.Count)]);
    });

    /// <summary>Transfers from <paramref name="callers"/> callers until <paramref name="total"/> were accepted.</summary>
    /// <returns>The calls refused, by status.</returns>
    public async Task<IReadOnlyDictionary<StatusCode, int>> RunUntilAsync(Uri registry, int callers, long total, Func<Task<string>> token)
    {
        using var channels = new Channels(registry, callers, token);
        var refused = new System.Collections.Concurrent.ConcurrentDictionary<StatusCode, int>();
        // A line every 30 s, since thousands of transfers take minutes.
        using var progress = new Timer(_ => Console.WriteLine($"  {Accepted} of {total} transfers accepted"),
            null, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(30));
        await Task.WhenAll(Enumerable.Range(0, callers).Select(caller => Task.Run(async () =>
        {
            var call = Operation.Start(channels, caller);
            for (long count = 0; Accepted < total; count++)
            {
                try
                {
                    await call(count);
                }
                catch (RpcException failure)
                {
                    refused.AddOrUpdate(failure.StatusCode, 1, (_, sum) => sum + 1);
                }
            }
        })));
        return refused;
    }

    private async Task TransferAsync(PracticeRegistryService.PracticeRegistryServiceClient client, MovingPractice practice)
    {
        var date = practice.NextMove;
        try
        {
            await client.TransferPracticeAsync(new TransferPracticeRequest
            {
                Name = practice.Name,
                TargetPcn = practice.Target,
                EffectiveDate = new Google.Type.Date { Year = date.Year, Month = date.Month, Day = date.Day },
                RequestId = Guid.NewGuid().ToString(),
            }, deadline: Channels.Deadline());
            practice.Moved();
            Interlocked.Increment(ref _accepted);
        }
        catch (RpcException failed) when (failed.StatusCode != StatusCode.Aborted)
        {
            // A call that timed out may still have been written, and a refusal says this client's idea of the practice
            // is wrong: either way, learn where the practice stands before its next move. The failure is reported.
            await ResyncAsync(client, practice);
            throw;
        }
    }

    private static async Task ResyncAsync(PracticeRegistryService.PracticeRegistryServiceClient client, MovingPractice practice)
    {
        try
        {
            var history = await client.ListPracticeMembershipsAsync(
                new ListPracticeMembershipsRequest { Parent = practice.Name }, deadline: Channels.Deadline());
            var latest = history.Memberships
                .Select(membership => (membership.Pcn, From: new DateOnly(
                    membership.EffectiveFrom.Year, membership.EffectiveFrom.Month, membership.EffectiveFrom.Day)))
                .MaxBy(membership => membership.From);
            if (latest.Pcn is not null) practice.StandsAt(latest.Pcn, latest.From);
        }
        catch (RpcException)
        {
            practice.SkipDay();
        }
    }

    private sealed class MovingPractice(string name, string home, string away)
    {
        private bool _atHome = true;

        public string Name => name;
        public string Target => _atHome ? away : home;
        public DateOnly NextMove { get; private set; } = FirstMove;

        public void Moved()
        {
            _atHome = !_atHome;
            SkipDay();
        }

        public void SkipDay() => NextMove = NextMove.AddDays(1);

        /// <summary>What the registry says: the practice's PCN now, and the day it joined it.</summary>
        public void StandsAt(string pcn, DateOnly since)
        {
            _atHome = pcn == home;
            NextMove = since.AddDays(1) > NextMove ? since.AddDays(1) : NextMove;
        }
    }
}
