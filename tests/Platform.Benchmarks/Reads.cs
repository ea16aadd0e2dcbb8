using Llr.Finance.V1;
using Llr.Practices.V1;
using Platform.Benchmarks.Echo;

namespace Platform.Benchmarks;

/// <summary>
/// A unary call to measure, to a service ("echo", "practices", "finance"): <see cref="Start"/> makes each caller's
/// call, given its channels and index; the call is then made in a loop with the caller's count of calls so far.
/// </summary>
public sealed record Operation(string Name, string Service, Func<Channels, int, Func<long, Task>> Start);

/// <summary>
/// The reads the issue names, each against the seed data: a PCN, a practice, a page of 25 PCNs, a PCN's allocation
/// (Finance). Each caller walks the PCNs or practices from its own starting point, so the calls spread over all of them.
/// </summary>
public static class Reads
{
    public static Operation Echo { get; } = new("Echo (bare grpc-dotnet)", "echo",
        (channels, caller) => EchoOf(EchoServer.ServeArgument, channels, caller));

    /// <summary>The same echo behind the platform's pipeline (<see cref="EchoServer"/>), called with a token.</summary>
    public static Operation PlatformEcho { get; } = new("Echo through the platform", "platform-echo",
        (channels, caller) => EchoOf(EchoServer.ServeThroughThePlatformArgument, channels, caller));

    /// <summary>An echo server's call, by the argument that started it.</summary>
    public static Func<long, Task> EchoOf(string serveArgument, Channels channels, int caller)
    {
        const string Message = "pcns/salutem";
        if (serveArgument == EchoServer.ServeThroughThePlatformArgument)
        {
            var throughThePlatform = new PlatformEchoService.PlatformEchoServiceClient(channels.For(caller));
            var platformRequest = new PlatformEchoRequest { Message = Message };
            return _ => throughThePlatform.PlatformEchoAsync(platformRequest, deadline: Channels.Deadline()).ResponseAsync;
        }
        var bare = new EchoService.EchoServiceClient(channels.For(caller));
        var request = new EchoRequest { Message = Message };
        return _ => bare.EchoAsync(request, deadline: Channels.Deadline()).ResponseAsync;
    }

    public static IReadOnlyList<Operation> Of(SeedNames seeds) =>
    [
        PlatformEcho,
        new("GetPcn", "practices", (channels, caller) =>
        {
            var client = new PracticeRegistryService.PracticeRegistryServiceClient(channels.For(caller));
            return count => client.GetPcnAsync(new GetPcnRequest { Name = seeds.Pcns.Pick(caller, count) },
                deadline: Channels.Deadline()).ResponseAsync;
        }),
        new("GetPractice", "practices", (channels, caller) =>
        {
            var client = new PracticeRegistryService.PracticeRegistryServiceClient(channels.For(caller));
            return count => client.GetPracticeAsync(new GetPracticeRequest { Name = seeds.Practices.Pick(caller, count) },
                deadline: Channels.Deadline()).ResponseAsync;
        }),
        new("ListPcns (page of 25)", "practices", (channels, caller) =>
        {
            var client = new PracticeRegistryService.PracticeRegistryServiceClient(channels.For(caller));
            var request = new ListPcnsRequest { PageSize = 25 };
            return _ => client.ListPcnsAsync(request, deadline: Channels.Deadline()).ResponseAsync;
        }),
        new("GetPcnAllocation (Finance)", "finance", (channels, caller) =>
        {
            var client = new FinanceService.FinanceServiceClient(channels.For(caller));
            return count => client.GetPcnAllocationAsync(new GetPcnAllocationRequest
            {
                Name = $"{seeds.Pcns.Pick(caller, count)}/allocations/{SeedNames.Years.Pick(caller, count / seeds.Pcns.Count)}",
            }, deadline: Channels.Deadline()).ResponseAsync;
        }),
    ];

    private static T Pick<T>(this IReadOnlyList<T> items, int caller, long count) =>
        items[(int)((caller * 7 + count) % items.Count)];
}

/// <summary>The PCNs and practices the registry holds, read once before the runs.</summary>
public sealed record SeedNames(IReadOnlyList<string> Pcns, IReadOnlyList<string> Practices)
{
    /// <summary>The financial years Finance allocates (finance.proto).</summary>
    public static IReadOnlyList<string> Years { get; } = ["2019-20", "2020-21", "2021-22", "2022-23", "2023-24"];

    public static async Task<SeedNames> ReadAsync(PracticeRegistryService.PracticeRegistryServiceClient registry)
    {
        var pcns = await registry.ListPcnsAsync(new ListPcnsRequest { PageSize = 100 }, deadline: Channels.Deadline());
        var practices = new List<string>();
        var page = new ListPracticesRequest { PageSize = 200 };
        do
        {
            var answer = await registry.ListPracticesAsync(page, deadline: Channels.Deadline());
            practices.AddRange(answer.Practices.Select(practice => practice.Name));
            page.PageToken = answer.NextPageToken;
        }
        while (page.PageToken.Length > 0);
        return new SeedNames([.. pcns.Pcns.Select(pcn => pcn.Name)], practices);
    }
}
