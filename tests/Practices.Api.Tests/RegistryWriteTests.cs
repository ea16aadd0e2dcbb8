using Platform.Testing;
using Grpc.Core;
using Llr.Practices.V1;
using Npgsql;
using Shouldly;
using static Platform.Testing.ProtoValues;

namespace Practices.Api.Tests;

/// <summary>
/// Writes over real gRPC against a real PostgreSQL: each test works on its own practices so the tests stay independent
/// while sharing one seeded database. Events are checked in the outbox, where the write put them in its transaction.
/// </summary>
public sealed class RegistryWriteTests(RegistryServiceFixture registry)
{
    private readonly PracticeRegistryService.PracticeRegistryServiceClient _client = registry.Client;

    [Fact]
    public async Task A_transfer_moves_the_practice_from_a_date_keeps_history_and_publishes_one_event()
    {
        // Canon St (C82084, 3,197 patients, 000:481) leaves Belgrave & Spinney for Salutem.
        var request = new TransferPracticeRequest
        {
            Name = "practices/LLR080", TargetPcn = "pcns/salutem", EffectiveDate = Date(2024, 4, 1), RequestId = NewRequestId(),
        };

        var response = await _client.TransferPracticeAsync(request);

        response.Practice.Pcn.ShouldBe("pcns/salutem");
        response.Memberships.Select(m => m.Pcn).ShouldBe(["pcns/belgrave-spinney", "pcns/salutem"]);
        response.Memberships[0].EffectiveTo.ShouldBe(Date(2024, 3, 31));
        response.Memberships[1].EffectiveTo.ShouldBeNull();
        var before = await _client.GetPcnAsync(new GetPcnRequest { Name = "pcns/belgrave-spinney", AsAtDate = Date(2024, 3, 31) });
        var after = await _client.GetPcnAsync(new GetPcnRequest { Name = "pcns/belgrave-spinney", AsAtDate = Date(2024, 4, 1) });
        before.ComputedListSize.RegisteredPatients.ShouldBe(45_774);
        after.ComputedListSize.RegisteredPatients.ShouldBe(45_774 - 3_197);
        after.DifferenceFromStated.ShouldBe(-3_197);
        (await OutboxCountAsync("PracticeTransferred", "LLR080")).ShouldBe(1);

        // A retry with the same request id answers the same and writes nothing more.
        (await _client.TransferPracticeAsync(request)).ShouldBe(response);
        (await OutboxCountAsync("PracticeTransferred", "LLR080")).ShouldBe(1);
        (await _client.ListPracticeMembershipsAsync(new ListPracticeMembershipsRequest { Parent = "practices/LLR080" })).Memberships.Count.ShouldBe(2);
    }

    [Fact]
    public async Task The_event_carries_both_pcns_as_they_stand_after_the_transfer()
    {
        await _client.TransferPracticeAsync(new TransferPracticeRequest
        {
            Name = "practices/LLR090", TargetPcn = "pcns/aegis-healthcare", EffectiveDate = Date(2024, 5, 1), RequestId = NewRequestId(),
        });

        await using var command = registry.Database.CreateCommand(
            "SELECT body FROM messaging.outbox WHERE message_type LIKE '%PracticeTransferred%' AND body->>'practiceId' = 'LLR090'");
        var body = (string)(await command.ExecuteScalarAsync())!;
        body.ShouldContain("leicester-central");
        body.ShouldContain("aegis-healthcare");
        body.ShouldContain("2024-05-01");
    }

    [Fact]
    public async Task A_request_id_reused_for_a_different_request_is_refused()
    {
        var requestId = NewRequestId();
        await _client.TransferPracticeAsync(new TransferPracticeRequest
        {
            Name = "practices/LLR005", TargetPcn = "pcns/rutland", EffectiveDate = Date(2024, 4, 1), RequestId = requestId,
        });

        (await RpcAssert.FailsWithFieldViolations(async () => await _client.TransferPracticeAsync(new TransferPracticeRequest
        {
            Name = "practices/LLR005", TargetPcn = "pcns/harborough", EffectiveDate = Date(2024, 4, 1), RequestId = requestId,
        }))).ShouldBe(["request_id"]);
    }

    [Fact]
    public async Task Transfers_that_break_a_rule_or_name_nothing_fail_without_writing_anything()
    {
        var outboxBefore = await OutboxCountAsync("", "LLR001");
        var practiceBefore = await _client.GetPracticeAsync(new GetPracticeRequest { Name = "practices/LLR001" });

        (await RpcAssert.FailsPrecondition(async () => await _client.TransferPracticeAsync(new TransferPracticeRequest
            { Name = "practices/LLR001", TargetPcn = "pcns/slam", EffectiveDate = Date(2024, 4, 1) }))).Type.ShouldBe("ALREADY_A_MEMBER");
        (await RpcAssert.FailsPrecondition(async () => await _client.TransferPracticeAsync(new TransferPracticeRequest
            { Name = "practices/LLR001", TargetPcn = "pcns/rutland", EffectiveDate = Date(2019, 7, 1) }))).Type.ShouldBe("HISTORY_IS_APPEND_ONLY");
        await RpcAssert.FailsWith(StatusCode.NotFound, async () => await _client.TransferPracticeAsync(new TransferPracticeRequest
            { Name = "practices/LLR001", TargetPcn = "pcns/atlantis", EffectiveDate = Date(2024, 4, 1) }));
        (await RpcAssert.FailsWithFieldViolations(async () => await _client.TransferPracticeAsync(new TransferPracticeRequest
            { Name = "practices/LLR001", TargetPcn = "rutland", EffectiveDate = Date(2024, 2, 30), RequestId = "not-a-uuid" })))
            .ShouldBe(["target_pcn", "effective_date"]);
        (await RpcAssert.FailsWithFieldViolations(async () => await _client.TransferPracticeAsync(new TransferPracticeRequest
            { Name = "practices/LLR001", TargetPcn = "pcns/rutland", EffectiveDate = Date(2024, 4, 1), RequestId = "not-a-uuid" })))
            .ShouldBe(["request_id"]);

        (await OutboxCountAsync("", "LLR001")).ShouldBe(outboxBefore);
        (await _client.GetPracticeAsync(new GetPracticeRequest { Name = "practices/LLR001" })).ShouldBe(practiceBefore);
    }

    [Fact]
    public async Task A_stale_etag_is_aborted()
    {
        var practice = await _client.GetPracticeAsync(new GetPracticeRequest { Name = "practices/LLR002" });
        await _client.TransferPracticeAsync(new TransferPracticeRequest
            { Name = practice.Name, TargetPcn = "pcns/rutland", EffectiveDate = Date(2024, 4, 1), Etag = practice.Etag });

        await RpcAssert.FailsWith(StatusCode.Aborted, async () => await _client.TransferPracticeAsync(new TransferPracticeRequest
            { Name = practice.Name, TargetPcn = "pcns/harborough", EffectiveDate = Date(2024, 6, 1), Etag = practice.Etag }));
    }

    [Fact]
    public async Task Concurrent_transfers_of_one_practice_let_exactly_one_win_and_lose_nothing()
    {
        string[] targets = ["pcns/rutland", "pcns/harborough", "pcns/north-blaby", "pcns/oadby-wigston", "pcns/south-blaby-lutterworth", "pcns/bosworth"];
        var attempts = targets.Select(async target =>
        {
            try
            {
                await _client.TransferPracticeAsync(new TransferPracticeRequest
                    { Name = "practices/LLR003", TargetPcn = target, EffectiveDate = Date(2024, 9, 1), RequestId = NewRequestId() });
                return StatusCode.OK;
            }
            catch (RpcException e)
            {
                return e.StatusCode;
            }
        });

        var outcomes = await Task.WhenAll(attempts);

        outcomes.Count(code => code == StatusCode.OK).ShouldBe(1);
        // A loser either collided mid-write (ABORTED) or arrived after the winner committed (the date is then taken).
        outcomes.Where(code => code != StatusCode.OK).ShouldAllBe(code => code == StatusCode.Aborted || code == StatusCode.FailedPrecondition);
        (await _client.ListPracticeMembershipsAsync(new ListPracticeMembershipsRequest { Parent = "practices/LLR003" })).Memberships.Count.ShouldBe(2);
        (await OutboxCountAsync("PracticeTransferred", "LLR003")).ShouldBe(1);
    }

    [Fact]
    public async Task A_list_size_is_recorded_listed_replaced_on_the_same_date_and_published()
    {
        var created = await _client.CreateListSizeAsync(new CreateListSizeRequest
        {
            Parent = "practices/LLR030",
            ListSize = new ListSize { AsAtDate = Date(2024, 1, 1), RegisteredPatients = 9_000, WeightedPatients = 9_400 },
            RequestId = NewRequestId(),
        });
        created.Name.ShouldBe("practices/LLR030/listSizes/2024-01-01");

        await _client.CreateListSizeAsync(new CreateListSizeRequest
            { Parent = "practices/LLR030", ListSize = new ListSize { AsAtDate = Date(2024, 1, 1), RegisteredPatients = 9_100 } });
        await _client.CreateListSizeAsync(new CreateListSizeRequest
            { Parent = "practices/LLR030", ListSize = new ListSize { AsAtDate = Date(2023, 1, 1), RegisteredPatients = 8_800 } });

        var sizes = await _client.ListListSizesAsync(new ListListSizesRequest { Parent = "practices/LLR030", PageSize = 1 });
        sizes.ListSizes.Single().RegisteredPatients.ShouldBe(9_100);
        sizes.ListSizes.Single().HasWeightedPatients.ShouldBeFalse();
        var older = await _client.ListListSizesAsync(new ListListSizesRequest { Parent = "practices/LLR030", PageSize = 1, PageToken = sizes.NextPageToken });
        older.ListSizes.Single().RegisteredPatients.ShouldBe(8_800);
        older.NextPageToken.ShouldBe("");

        var practice = await _client.GetPracticeAsync(new GetPracticeRequest { Name = "practices/LLR030", AsAtDate = Date(2024, 6, 1) });
        practice.LatestListSize.RegisteredPatients.ShouldBe(9_100);
        (await OutboxCountAsync("ListSizeRecorded", "LLR030")).ShouldBe(3);
    }

    [Fact]
    public async Task Bad_list_sizes_are_refused_with_every_field_named()
    {
        (await RpcAssert.FailsWithFieldViolations(async () => await _client.CreateListSizeAsync(new CreateListSizeRequest
            {
                Parent = "practices/LLR031",
                ListSize = new ListSize { AsAtDate = Date(2024, 13, 1), RegisteredPatients = -5, WeightedPatients = -1 },
            })))
            .ShouldBe(["list_size.as_at_date", "list_size.registered_patients", "list_size.weighted_patients"]);
        (await RpcAssert.FailsWithFieldViolations(async () => await _client.CreateListSizeAsync(new CreateListSizeRequest { Parent = "practices/LLR031" })))
            .ShouldBe(["list_size"]);

        // No practice has millions of patients; such a size (once accepted, then overflowing every sum) is a mistake.
        foreach (var patients in new[] { 1_000_001L, 3_000_000_000L, long.MaxValue })
        {
            (await RpcAssert.FailsWithFieldViolations(async () => await _client.CreateListSizeAsync(new CreateListSizeRequest
                {
                    Parent = "practices/LLR031",
                    ListSize = new ListSize { AsAtDate = Date(2024, 7, 1), RegisteredPatients = patients, WeightedPatients = patients },
                })))
                .ShouldBe(["list_size.registered_patients", "list_size.weighted_patients"]);
        }
        await RpcAssert.FailsWith(StatusCode.NotFound, async () => await _client.CreateListSizeAsync(new CreateListSizeRequest
            { Parent = "practices/LLR999", ListSize = new ListSize { AsAtDate = Date(2024, 1, 1), RegisteredPatients = 1 } }));
    }

    [Fact]
    public async Task A_merge_keeps_the_successor_code_closes_the_predecessors_and_keeps_the_pcn_total()
    {
        // Dr Kapur's three Foxes practices (000:477-479 area) merge into St Peter's; the Foxes total of 33,498 is unchanged.
        var merged = await _client.MergePracticesAsync(new MergePracticesRequest
        {
            Successor = "practices/LLR083", Predecessors = { "practices/LLR084", "practices/LLR085" }, EffectiveDate = Date(2025, 1, 1), RequestId = NewRequestId(),
        });

        merged.Successor.OdsCode.ShouldBe("C82659");
        merged.Successor.LatestListSize.RegisteredPatients.ShouldBe(2_684 + 2_153 + 5_000);
        merged.Closed.ShouldAllBe(practice => practice.State == PracticeState.Closed && practice.Successor == "practices/LLR083" && practice.ClosedOn.Equals(Date(2025, 1, 1)));

        var foxes = await _client.GetPcnAsync(new GetPcnRequest { Name = "pcns/the-leicester-foxes", AsAtDate = Date(2025, 1, 1) });
        foxes.Members.Count.ShouldBe(5);
        foxes.ComputedListSize.RegisteredPatients.ShouldBe(33_498);
        var history = await _client.ListPracticeMembershipsAsync(new ListPracticeMembershipsRequest { Parent = "practices/LLR084" });
        history.Memberships.Single().EffectiveTo.ShouldBe(Date(2024, 12, 31));
        (await OutboxCountAsync("PracticesMerged", "LLR083")).ShouldBe(1);

        (await RpcAssert.FailsPrecondition(async () => await _client.TransferPracticeAsync(new TransferPracticeRequest
            { Name = "practices/LLR084", TargetPcn = "pcns/salutem", EffectiveDate = Date(2025, 2, 1) }))).Type.ShouldBe("PRACTICE_CLOSED");
        (await RpcAssert.FailsPrecondition(async () => await _client.MergePracticesAsync(new MergePracticesRequest
            { Successor = "practices/LLR083", Predecessors = { "practices/LLR084" }, EffectiveDate = Date(2025, 2, 1) }))).Type.ShouldBe("PRACTICE_CLOSED");
    }

    [Fact]
    public async Task A_malformed_merge_is_refused_before_anything_is_read()
    {
        (await RpcAssert.FailsWithFieldViolations(async () => await _client.MergePracticesAsync(new MergePracticesRequest
            { Successor = "practices/LLR060", Predecessors = { "practices/LLR060" }, EffectiveDate = Date(2025, 1, 1) })))
            .ShouldBe(["predecessors"]);
        (await RpcAssert.FailsWithFieldViolations(async () => await _client.MergePracticesAsync(new MergePracticesRequest { Successor = "practices/LLR060" })))
            .ShouldBe(["predecessors", "effective_date"]);
    }

    /// <summary>
    /// Events in the outbox about one practice: the subject of the event, not any event that merely lists the practice
    /// among a PCN's members (every event carries its PCNs' member lists).
    /// </summary>
    private async Task<long> OutboxCountAsync(string messageType, string practiceId)
    {
        await using var command = registry.Database.CreateCommand("""
            SELECT count(*) FROM messaging.outbox
            WHERE message_type LIKE '%' || $1 || '%'
              AND $2 IN (body->>'practiceId', body->>'successorPracticeId')
            """);
        command.Parameters.AddWithValue(messageType);
        command.Parameters.AddWithValue(practiceId);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
