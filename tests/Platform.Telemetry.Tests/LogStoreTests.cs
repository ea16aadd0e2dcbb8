using Platform.Telemetry.Logs;

namespace Platform.Telemetry.Tests;

public sealed class LogStoreTests
{
    private static LogEntry Log(string body, string? traceId = null) =>
        new(DateTimeOffset.UnixEpoch, "orders-api", LogSeverity.Info, body, traceId, null, "Orders", new Dictionary<string, string>());

    [Fact]
    public void DropsTheOldestRecordsBeyondCapacity()
    {
        var store = new LogStore(capacity: 2);
        store.Add([Log("one"), Log("two"), Log("three")]);

        store.Recent(10).Select(l => l.Body).ShouldBe(["three", "two"]);
        store.TotalReceived.ShouldBe(3);
    }

    [Fact]
    public void RecentCanBeLimitedToOneTrace()
    {
        var store = new LogStore();
        store.Add([Log("a", traceId: "t1"), Log("b", traceId: "t2"), Log("c", traceId: "t1"), Log("d")]);

        store.Recent(10, traceId: "T1").Select(l => l.Body).ShouldBe(["c", "a"]);
        store.Recent(1).ShouldHaveSingleItem().Body.ShouldBe("d");
    }

    [Fact]
    public async Task WaitForLogAsyncCompletesWhenAMatchingRecordArrives()
    {
        var store = new LogStore();
        var waiting = store.WaitForLogAsync(l => l.Body == "wanted", TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        store.Add([Log("other"), Log("wanted")]);

        (await waiting).Body.ShouldBe("wanted");
    }
}
