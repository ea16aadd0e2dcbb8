using Llr.Practices.V1;
using Npgsql;
using Platform.Testing;
using Shouldly;
using static Platform.Testing.ProtoValues;

namespace Practices.Api.Tests;

/// <summary>
/// Reads are answered from the registry as last loaded while the database's committed state is the same; whatever
/// commits (through the API, or by anything else writing to the database) is read at once.
/// </summary>
public sealed class ReadFreshnessTests(RegistryServiceFixture registry)
{
    private readonly PracticeRegistryService.PracticeRegistryServiceClient _client = registry.Client;

    // A PCN no other test of this assembly writes to: a write bumps the versions (etags) of the PCNs it touches, and
    // the test classes run in parallel, so a PCN another test transfers a practice into would change under this one.
    private const string PcnId = "millennium";

    [Fact]
    public async Task A_change_committed_outside_the_service_is_read_by_the_next_call()
    {
        var asAt = Date(2024, 1, 1);
        var before = await _client.GetPcnAsync(new GetPcnRequest { Name = $"pcns/{PcnId}", AsAtDate = asAt });
        (await _client.GetPcnAsync(new GetPcnRequest { Name = $"pcns/{PcnId}", AsAtDate = asAt })).ShouldBe(before);

        try
        {
            await SetClinicalDirectorAsync("Dr Freshness Test");
            (await _client.GetPcnAsync(new GetPcnRequest { Name = $"pcns/{PcnId}", AsAtDate = asAt })).ClinicalDirector
                .ShouldBe("Dr Freshness Test");
            // Another date of the same committed state is loaded from it too.
            (await _client.GetPcnAsync(new GetPcnRequest { Name = $"pcns/{PcnId}", AsAtDate = Date(2023, 1, 1) })).ClinicalDirector
                .ShouldBe("Dr Freshness Test");
        }
        finally
        {
            await SetClinicalDirectorAsync(before.ClinicalDirector);
        }

        (await _client.GetPcnAsync(new GetPcnRequest { Name = $"pcns/{PcnId}", AsAtDate = asAt })).ShouldBe(before);
    }

    [Fact]
    public async Task Under_concurrent_reads_every_call_that_starts_after_a_commit_reads_it()
    {
        // Concurrent reads share their snapshot checks: a read may only use a check sent after it arrived. Readers keep
        // checks running while the test commits changes and reads each at once, alone and in a burst. The readers pause
        // between calls, so that with the other test classes they stay within the client's rate limit.
        var asAt = Date(2024, 1, 1);
        var request = new GetPcnRequest { Name = $"pcns/{PcnId}", AsAtDate = asAt };
        var original = (await _client.GetPcnAsync(request)).ClinicalDirector;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var readers = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await _client.GetPcnAsync(request);
                await Task.Delay(TimeSpan.FromMilliseconds(25), CancellationToken.None);
            }
        })).ToList();

        try
        {
            for (var change = 1; change <= 20; change++)
            {
                var director = $"Dr Concurrent Freshness {change}";
                await SetClinicalDirectorAsync(director);
                (await _client.GetPcnAsync(request)).ClinicalDirector.ShouldBe(director);
                var burst = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => _client.GetPcnAsync(request).ResponseAsync));
                burst.ShouldAllBe(pcn => pcn.ClinicalDirector == director);
            }
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(readers);
            await SetClinicalDirectorAsync(original);
        }
    }

    private async Task SetClinicalDirectorAsync(string name)
    {
        await using var command = registry.Database.CreateCommand("UPDATE pcns SET clinical_director = $1 WHERE id = $2");
        command.Parameters.Add(new NpgsqlParameter { Value = name });
        command.Parameters.Add(new NpgsqlParameter { Value = PcnId });
        (await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken)).ShouldBe(1);
    }
}
