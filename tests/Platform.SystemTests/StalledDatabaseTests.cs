using System.Diagnostics;
using Google.Rpc;
using Grpc.Core;
using Llr.Finance.V1;
using Llr.Practices.V1;
using Platform.Testing;
using Shouldly;

namespace Platform.SystemTests;

/// <summary>
/// A database that stops answering (paused, as a stuck disk or a VM freeze would pause it) does not hold calls for
/// as long as it stalls: each call fails within the services' bounded wait (5 s by default) as UNAVAILABLE with
/// retry information, and the services recover by themselves once the database answers again.
/// </summary>
public sealed class StalledDatabaseTests(SystemFixture platform, ITestOutputHelper output)
{
    private static readonly TimeSpan BoundedWait = TimeSpan.FromSeconds(15); // the 5 s wait, Npgsql's cancel, and a busy CI machine

    [Fact]
    public async Task Calls_answer_unavailable_while_PostgreSQL_is_paused_and_recover_when_it_resumes()
    {
        var registry = new PracticeRegistryService.PracticeRegistryServiceClient(platform.CallsTo("practices"));
        var finance = new FinanceService.FinanceServiceClient(platform.CallsTo("finance"));
        var postmaster = int.Parse(File.ReadLines(Path.Combine(platform.StateDirectory, "postgres", "data", "postmaster.pid")).First(),
            System.Globalization.CultureInfo.InvariantCulture);

        // The calls' token first: the token service keeps its state in the same PostgreSQL, so a token asked for
        // while it is paused fails the call in the test's own client, before any service is reached (seen in CI
        // when no earlier test of the run had asked for it).
        await platform.TokenAsync();

        // The whole server: the postmaster and every backend (each connection has its own process).
        var server = new[] { postmaster }.Concat(LinuxProcesses.DescendantsOf(postmaster).Select(p => p.Pid)).ToList();
        try
        {
            // A backend may exit between the listing and its signal (a connection closing): only the postmaster must stop.
            // Inside the try, so whatever was stopped is always continued.
            var stopped = server.Select(pid => (pid, LinuxProcesses.Signal("STOP", pid))).ToList();
            stopped.Single(result => result.pid == postmaster).Item2.ShouldBe(0);
            await ShouldAnswerUnavailableAsync(async () => await registry.GetPcnAsync(new GetPcnRequest { Name = "pcns/salutem" }));
            await ShouldAnswerUnavailableAsync(async () => await finance.GetPcnAllocationAsync(new GetPcnAllocationRequest { Name = "pcns/salutem/allocations/2021-22" }));
        }
        finally
        {
            var continued = server.Select(pid => (pid, LinuxProcesses.Signal("CONT", pid))).ToList();
            continued.Single(result => result.pid == postmaster).Item2.ShouldBe(0);
        }

        await Eventually.Until(async () =>
            {
                try { return (await registry.GetPcnAsync(new GetPcnRequest { Name = "pcns/salutem" })).Name; }
                catch (RpcException) { return ""; }
            }, name => name == "pcns/salutem", "the registry answers again", TimeSpan.FromSeconds(30));
        (await finance.GetPcnAllocationAsync(new GetPcnAllocationRequest { Name = "pcns/salutem/allocations/2021-22" })).Lines.ShouldNotBeEmpty();
    }

    private async Task ShouldAnswerUnavailableAsync(Func<Task> call)
    {
        var stopwatch = Stopwatch.StartNew();
        var error = await Should.ThrowAsync<RpcException>(call);
        output.WriteLine($"{error.StatusCode} after {stopwatch.Elapsed.TotalSeconds:0.0} s: {error.Status.Detail}");
        stopwatch.Elapsed.ShouldBeLessThan(BoundedWait);
        error.StatusCode.ShouldBe(StatusCode.Unavailable);
        error.GetRpcStatus()!.GetDetail<RetryInfo>().ShouldNotBeNull();
    }
}
