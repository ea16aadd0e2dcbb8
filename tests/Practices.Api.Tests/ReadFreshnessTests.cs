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

    private async Task SetClinicalDirectorAsync(string name)
    {
        await using var command = registry.Database.CreateCommand("UPDATE pcns SET clinical_director = $1 WHERE id = $2");
        command.Parameters.Add(new NpgsqlParameter { Value = name });
        command.Parameters.Add(new NpgsqlParameter { Value = PcnId });
        (await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken)).ShouldBe(1);
    }
}
