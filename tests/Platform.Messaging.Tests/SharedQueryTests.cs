using Platform.Data;
using Shouldly;

namespace Platform.Messaging.Tests;

/// <summary>
/// How concurrent callers share the runs of a query (the read caches' snapshot check): each gets a result sent after it
/// called, and the callers that arrive during one run share the next. Pure logic: each run is a task the test ends.
/// </summary>
public sealed class SharedQueryTests
{
    private readonly List<TaskCompletionSource<int>> _runs = [];
    private readonly SharedQuery<int> _query;

    public SharedQueryTests() => _query = new SharedQuery<int>(() =>
    {
        var run = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_runs) _runs.Add(run);
        return run.Task;
    });

    private int Runs
    {
        get { lock (_runs) return _runs.Count; }
    }

    private TaskCompletionSource<int> Run(int index)
    {
        lock (_runs) return _runs[index];
    }

    [Fact]
    public async Task A_call_with_no_run_under_way_starts_one_at_once()
    {
        var result = _query.NextResultAsync();
        Runs.ShouldBe(1);
        Run(0).SetResult(7);
        (await result).ShouldBe(7);
    }

    [Fact]
    public async Task Calls_made_during_a_run_get_the_next_run_not_the_one_under_way()
    {
        var first = _query.NextResultAsync();
        var during = Enumerable.Range(0, 5).Select(_ => _query.NextResultAsync()).ToList();
        Runs.ShouldBe(1, "the next run waits for the one under way");

        Run(0).SetResult(1);
        (await first).ShouldBe(1);
        await WaitUntilAsync(() => Runs == 2);
        during.ShouldAllBe(result => !result.IsCompleted);

        Run(1).SetResult(2);
        (await Task.WhenAll(during)).ShouldAllBe(value => value == 2);
        Runs.ShouldBe(2, "the five callers shared one run");
    }

    [Fact]
    public async Task A_failed_run_fails_its_own_callers_and_the_next_runs_afresh()
    {
        var failing = _query.NextResultAsync();
        var next = _query.NextResultAsync();
        Run(0).SetException(new TimeoutException("the database did not answer"));
        await Should.ThrowAsync<TimeoutException>(failing);

        await WaitUntilAsync(() => Runs == 2);
        Run(1).SetResult(3);
        (await next).ShouldBe(3);

        var later = _query.NextResultAsync();
        Runs.ShouldBe(3);
        Run(2).SetResult(4);
        (await later).ShouldBe(4);
    }

    [Fact]
    public async Task Many_callers_at_once_each_get_a_run_started_after_they_called()
    {
        // Each run records how many calls had been made when it started; a caller must get a run that saw its call.
        var calls = 0;
        var query = new SharedQuery<int>(async () =>
        {
            var seen = Volatile.Read(ref calls);
            await Task.Yield();
            return seen;
        });

        var results = await Task.WhenAll(Enumerable.Range(0, 64).Select(_ => Task.Run(async () =>
        {
            var mine = Interlocked.Increment(ref calls);
            return (mine, seen: await query.NextResultAsync());
        })));

        results.ShouldAllBe(result => result.seen >= result.mine);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            DateTime.UtcNow.ShouldBeLessThan(deadline);
            await Task.Delay(1, TestContext.Current.CancellationToken);
        }
    }
}
