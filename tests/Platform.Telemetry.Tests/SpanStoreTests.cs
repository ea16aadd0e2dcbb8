using Platform.Telemetry.Spans;
using static Platform.Telemetry.Tests.SpanFactory;

namespace Platform.Telemetry.Tests;

public sealed class SpanStoreTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public void GetTraceArrangesChildrenUnderTheirParentsOrderedByStart()
    {
        var store = new SpanStore();
        store.Add([
            Span("t1", "c2", parentSpanId: "root", name: "second child", startMs: 20),
            Span("t1", "g1", parentSpanId: "c1", name: "grandchild", startMs: 6),
            Span("t1", "root", name: "root", startMs: 0, durationMs: 50),
            Span("t1", "c1", parentSpanId: "root", name: "first child", startMs: 5),
        ]);

        var trace = store.GetTrace("t1").ShouldNotBeNull();

        trace.SpanCount.ShouldBe(4);
        trace.Duration.ShouldBe(TimeSpan.FromMilliseconds(50));
        var root = trace.Roots.ShouldHaveSingleItem();
        root.Span.Name.ShouldBe("root");
        root.Children.Select(c => c.Span.Name).ShouldBe(["first child", "second child"]);
        root.Children[0].Children.ShouldHaveSingleItem().Span.Name.ShouldBe("grandchild");
        trace.DepthFirst().Select(x => (x.Span.Name, x.Depth))
            .ShouldBe([("root", 0), ("first child", 1), ("grandchild", 2), ("second child", 1)]);
    }

    [Fact]
    public void SpanWhoseParentHasNotArrivedIsARootUntilTheParentArrives()
    {
        var store = new SpanStore();
        store.Add([Span("t1", "child", parentSpanId: "parent", name: "child", startMs: 5)]);

        store.GetTrace("t1").ShouldNotBeNull().Roots.ShouldHaveSingleItem().Span.Name.ShouldBe("child");
        store.RecentTraces(10).ShouldHaveSingleItem().RootName.ShouldBe("child");

        store.Add([Span("t1", "parent", name: "parent")]);

        var root = store.GetTrace("t1").ShouldNotBeNull().Roots.ShouldHaveSingleItem();
        root.Span.Name.ShouldBe("parent");
        root.Children.ShouldHaveSingleItem().Span.Name.ShouldBe("child");
        store.RecentTraces(10).ShouldHaveSingleItem().RootName.ShouldBe("parent");
    }

    [Fact]
    public void SpansInAParentCycleAreStillShown()
    {
        var store = new SpanStore();
        store.Add([Span("t1", "a", parentSpanId: "b", name: "a"), Span("t1", "b", parentSpanId: "a", name: "b", startMs: 1)]);

        store.GetTrace("t1").ShouldNotBeNull().DepthFirst().Select(x => x.Span.Name).ShouldBe(["a", "b"]);
    }

    [Fact]
    public void EvictsTheLeastRecentlyActiveTracesWholeBeyondCapacity()
    {
        var store = new SpanStore(capacity: 4);
        store.Add([Span("old", "o1"), Span("old", "o2")]);
        store.Add([Span("busy", "b1"), Span("busy", "b2")]);
        store.Add([Span("old", "o3")]); // "old" is now the most recently active trace

        store.Add([Span("new", "n1")]);

        store.GetTrace("busy").ShouldBeNull();
        store.GetTrace("old").ShouldNotBeNull().SpanCount.ShouldBe(3);
        store.GetTrace("new").ShouldNotBeNull();
        store.Count.ShouldBe(4);
        store.TotalReceived.ShouldBe(6);
    }

    [Fact]
    public void AResentSpanReplacesTheOneHeldInsteadOfDuplicatingIt()
    {
        var store = new SpanStore();
        store.Add([Span("t1", "s1", name: "first try")]);
        store.Add([Span("t1", "s1", name: "retry")]);

        store.Count.ShouldBe(1);
        store.GetTrace("t1").ShouldNotBeNull().Roots.ShouldHaveSingleItem().Span.Name.ShouldBe("retry");
    }

    [Fact]
    public void RecentTracesSummarizesTheNewestFirst()
    {
        var store = new SpanStore();
        store.Add([Span("early", "e1", name: "GET /early", startMs: 0)]);
        store.Add([
            Span("late", "l1", name: "POST /orders", startMs: 100, durationMs: 30, service: "orders-api"),
            Span("late", "l2", parentSpanId: "l1", startMs: 110, durationMs: 40, service: "billing", status: SpanStatus.Error),
        ]);

        var recent = store.RecentTraces(10);

        recent.Select(t => t.TraceId).ShouldBe(["late", "early"]);
        var late = recent[0];
        late.RootName.ShouldBe("POST /orders");
        late.Services.ShouldBe(["orders-api", "billing"]);
        late.SpanCount.ShouldBe(2);
        late.Duration.ShouldBe(TimeSpan.FromMilliseconds(50));
        late.HasError.ShouldBeTrue();
        recent[1].HasError.ShouldBeFalse();
        store.RecentTraces(1).ShouldHaveSingleItem().TraceId.ShouldBe("late");
    }

    [Fact]
    public void FindSpansFiltersAcrossTraces()
    {
        var store = new SpanStore();
        store.Add([Span("t1", "a", service: "billing"), Span("t2", "b", service: "orders-api"), Span("t3", "c", service: "billing")]);

        store.FindSpans(s => s.ServiceName == "billing").Select(s => s.SpanId).Order().ShouldBe(["a", "c"]);
    }

    [Fact]
    public async Task WaitForSpanAsyncCompletesWhenAMatchingSpanArrives()
    {
        var store = new SpanStore();
        var waiting = store.WaitForSpanAsync(s => s.Name == "wanted", TimeSpan.FromSeconds(10), Cancellation);
        store.Add([Span("t1", "s1", name: "other")]);
        waiting.IsCompleted.ShouldBeFalse();

        store.Add([Span("t1", "s2", name: "wanted")]);

        (await waiting).SpanId.ShouldBe("s2");
    }

    [Fact]
    public async Task WaitForSpanAsyncReturnsASpanAlreadyHeld()
    {
        var store = new SpanStore();
        store.Add([Span("t1", "s1", name: "wanted")]);

        (await store.WaitForSpanAsync(s => s.Name == "wanted", TimeSpan.FromSeconds(10), Cancellation)).SpanId.ShouldBe("s1");
    }

    [Fact]
    public async Task WaitForSpanAsyncTimesOutWhenNothingMatches()
    {
        var store = new SpanStore();

        await Should.ThrowAsync<TimeoutException>(
            () => store.WaitForSpanAsync(_ => false, TimeSpan.FromMilliseconds(50), Cancellation));
    }

    [Fact]
    public async Task WaitForSpanAsyncStopsWhenCancelled()
    {
        var store = new SpanStore();
        using var cancellation = new CancellationTokenSource();
        var waiting = store.WaitForSpanAsync(_ => false, TimeSpan.FromSeconds(30), cancellation.Token);

        await cancellation.CancelAsync();

        await Should.ThrowAsync<OperationCanceledException>(() => waiting);
    }

    [Fact]
    public async Task AThrowingPredicateFailsItsWaitButNotTheAdd()
    {
        var store = new SpanStore();
        var waiting = store.WaitForSpanAsync(_ => throw new InvalidOperationException("bad predicate"), TimeSpan.FromSeconds(10), Cancellation);

        store.Add([Span("t1", "s1")]);

        store.Count.ShouldBe(1);
        await Should.ThrowAsync<InvalidOperationException>(() => waiting);
    }
}
