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

        // The whole server: the postmaster and every backend (each connection has its own process).
        var server = new[] { postmaster }.Concat(ChildrenOf(postmaster)).ToList();
        server.ForEach(pid => Signal("STOP", pid));
        try
        {
            await ShouldAnswerUnavailableAsync(async () => await registry.GetPcnAsync(new GetPcnRequest { Name = "pcns/salutem" }));
            await ShouldAnswerUnavailableAsync(async () => await finance.GetPcnAllocationAsync(new GetPcnAllocationRequest { Name = "pcns/salutem/allocations/2021-22" }));
        }
        finally
        {
            server.ForEach(pid => Signal("CONT", pid));
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

    private static IEnumerable<int> ChildrenOf(int pid)
    {
        var start = new ProcessStartInfo("pgrep", ["-P", pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]) { RedirectStandardOutput = true };
        using var pgrep = Process.Start(start)!;
        var output = pgrep.StandardOutput.ReadToEnd();
        pgrep.WaitForExit();
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => int.Parse(line, System.Globalization.CultureInfo.InvariantCulture)).ToList();
    }

    private static void Signal(string signal, int pid)
    {
        using var kill = Process.Start("kill", ["-s", signal, pid.ToString(System.Globalization.CultureInfo.InvariantCulture)])!;
        kill.WaitForExit();
        kill.ExitCode.ShouldBe(0);
    }
}
