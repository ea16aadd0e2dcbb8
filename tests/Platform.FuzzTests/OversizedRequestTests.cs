using System.Collections.Concurrent;
using Grpc.Core;
using Llr.Practices.V1;
using Shouldly;

namespace Platform.FuzzTests;

/// <summary>
/// A request over the size the server accepts is RESOURCE_EXHAUSTED, answered before its body has all arrived, and
/// refusing it spoils no other call sharing its HTTP/2 connection. 100 refusals stay under the 200 streams ended early
/// that Kestrel tracks per connection for 5 s before it tells the client to calm down (ENHANCE_YOUR_CALM) and, soon
/// after, closes the connection: a client sending hundreds a second is refused as an attacker would be.
/// </summary>
public sealed class OversizedRequestTests(FuzzFixture platform)
{
    [Fact]
    public async Task Oversized_requests_are_refused_without_ending_the_connection_they_share()
    {
        var client = new PracticeRegistryService.PracticeRegistryServiceClient(platform.Channel("practices"));
        // From just over the limit to six times it: the bytes in flight when the server refuses differ.
        var sizes = new[] { 1.01, 1.5, 2, 4, 6 };
        var requests = sizes.Select(size =>
        {
            var request = new MergePracticesRequest { Successor = "practices/C82037" };
            while (request.CalculateSize() < size * RequestGenerator.MaxMessageLength) request.Predecessors.Add("practices/" + new string('x', 1000));
            return request;
        }).ToArray();
        var outcomes = new ConcurrentBag<(bool Oversized, StatusCode Code, string Detail)>();

        await Parallel.ForEachAsync(Enumerable.Range(0, 200), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = TestContext.Current.CancellationToken },
            async (number, cancellationToken) =>
            {
                var options = new CallOptions(deadline: DateTime.UtcNow.AddSeconds(20), cancellationToken: cancellationToken);
                var isOversized = number % 2 == 0;
                try
                {
                    if (isOversized) await client.MergePracticesAsync(requests[number / 2 % requests.Length], options);
                    else await client.GetPcnAsync(new GetPcnRequest { Name = "pcns/salutem" }, options);
                    outcomes.Add((isOversized, StatusCode.OK, ""));
                }
                catch (RpcException e)
                {
                    outcomes.Add((isOversized, e.StatusCode, e.Status.Detail));
                }
            });

        outcomes.Where(o => o.Oversized).ShouldAllBe(o => o.Code == StatusCode.ResourceExhausted,
            string.Join("\n", outcomes.Where(o => o.Oversized && o.Code != StatusCode.ResourceExhausted).Take(5)));
        outcomes.Where(o => !o.Oversized).ShouldAllBe(o => o.Code == StatusCode.OK,
            string.Join("\n", outcomes.Where(o => !o.Oversized && o.Code != StatusCode.OK).Take(5)));
    }
}
