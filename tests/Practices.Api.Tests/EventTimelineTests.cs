using System.Text.Json;
using Llr.Practices.V1;
using Platform.Testing;
using Shouldly;
using static Platform.Testing.ProtoValues;

namespace Practices.Api.Tests;

/// <summary>
/// What a write publishes describes each PCN it touched on the write's date and on every later date their figures
/// change, as the registry reads them then. The write works that out from the touched PCNs' rows alone; these tests
/// hold it to what GetPcn answers from the whole registry.
/// </summary>
public sealed class EventTimelineTests(RegistryServiceFixture registry)
{
    private readonly PracticeRegistryService.PracticeRegistryServiceClient _client = registry.Client;

    [Fact]
    public async Task A_back_dated_transfer_describes_both_pcns_on_each_later_change_as_the_registry_reads_them()
    {
        // Fosseway and Watermead (West Leicestershire), which no other test of this assembly writes to. The documents
        // give their members no list size, so the sizes recorded here, years ahead, are the only later changes; one
        // in another PCN (Hinckley Central) changes neither.
        await RecordSizeAsync("LLR039", Date(2030, 1, 1), 5_000); // Fosseway
        await RecordSizeAsync("LLR056", Date(2030, 3, 1), 6_000); // Watermead
        await RecordSizeAsync("LLR057", Date(2030, 6, 1), 6_100); // Watermead
        await RecordSizeAsync("LLR041", Date(2030, 9, 1), 4_000); // Fosseway
        await RecordSizeAsync(await MemberOfAsync("hinckley-central"), Date(2030, 4, 1), 7_000);

        await _client.TransferPracticeAsync(new TransferPracticeRequest
        {
            Name = "practices/LLR040", TargetPcn = "pcns/watermead", EffectiveDate = Date(2029, 7, 1), RequestId = NewRequestId(),
        });

        var timeline = await TimelineOfTransferAsync("LLR040");
        Dates(timeline, "fosseway").ShouldBe(["2029-07-01", "2030-01-01", "2030-09-01"]);
        Dates(timeline, "watermead").ShouldBe(["2029-07-01", "2030-03-01", "2030-06-01"]);
        foreach (var snapshot in timeline)
        {
            var (year, month, day) = DateOnly.Parse(snapshot.AsAt, System.Globalization.CultureInfo.InvariantCulture);
            var read = await _client.GetPcnAsync(new GetPcnRequest { Name = $"pcns/{snapshot.PcnId}", AsAtDate = Date(year, month, day) });
            read.ComputedListSize.RegisteredPatients.ShouldBe(snapshot.ComputedRegisteredPatients, $"{snapshot.PcnId} on {snapshot.AsAt}");
            read.Members.Select(member => member.Practice).Order()
                .ShouldBe(snapshot.Members.Select(id => $"practices/{id}").Order(), $"{snapshot.PcnId} on {snapshot.AsAt}");
        }
    }

    private sealed record Snapshot(string PcnId, string AsAt, long ComputedRegisteredPatients, IReadOnlyList<string> Members);

    private static IReadOnlyList<string> Dates(IEnumerable<Snapshot> timeline, string pcnId) =>
        timeline.Where(snapshot => snapshot.PcnId == pcnId).Select(snapshot => snapshot.AsAt).ToList();

    private async Task RecordSizeAsync(string practiceId, Google.Type.Date asAt, long registered) =>
        await _client.CreateListSizeAsync(new CreateListSizeRequest
        {
            Parent = $"practices/{practiceId}",
            ListSize = new ListSize { AsAtDate = asAt, RegisteredPatients = registered },
            RequestId = NewRequestId(),
        });

    private async Task<string> MemberOfAsync(string pcnId)
    {
        var pcn = await _client.GetPcnAsync(new GetPcnRequest { Name = $"pcns/{pcnId}", AsAtDate = Date(2029, 1, 1) });
        return pcn.Members[0].Practice["practices/".Length..];
    }

    /// <summary>The timeline of the transfer's event, as the outbox holds it.</summary>
    private async Task<IReadOnlyList<Snapshot>> TimelineOfTransferAsync(string practiceId)
    {
        await using var command = registry.Database.CreateCommand(
            "SELECT body::text FROM messaging.outbox WHERE message_type LIKE '%PracticeTransferred%' AND body->>'practiceId' = $1");
        command.Parameters.AddWithValue(practiceId);
        using var body = JsonDocument.Parse((string)(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken))!);
        return body.RootElement.GetProperty("affectedPcnsTimeline").EnumerateArray()
            .Select(snapshot => new Snapshot(
                snapshot.GetProperty("pcnId").GetString()!,
                snapshot.GetProperty("asAt").GetString()!,
                snapshot.GetProperty("computedRegisteredPatients").GetInt64(),
                snapshot.GetProperty("members").EnumerateArray().Select(member => member.GetProperty("practiceId").GetString()!).ToList()))
            .ToList();
    }
}
