using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Llr.Audit.V1;
using Llr.Practices.V1;
using Npgsql;
using Platform.Testing;
using Shouldly;
using static Platform.Testing.ProtoValues;

namespace Practices.Api.Tests;

/// <summary>
/// The registry's audit trail: every write RPC, accepted or refused, leaves its record in audit.records, in the
/// write's own transaction when it commits; the records cannot be changed; ListAuditRecords pages and filters them.
/// Writes use West Leicestershire practices no other test touches (LLR069-LLR073 of CH3 Carillon, LLR074-LLR077 of
/// CH4 Beacon) and dates in 2027, after every date other tests read at.
/// </summary>
public sealed class AuditTrailTests(RegistryServiceFixture registry)
{
    private const string Service = "/llr.practices.v1.PracticeRegistryService/";
    private readonly PracticeRegistryService.PracticeRegistryServiceClient _client = registry.Client;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_accepted_transfer_leaves_one_ok_record_and_its_replay_one_marked_replay()
    {
        var request = new TransferPracticeRequest
        {
            Name = "practices/LLR069", TargetPcn = "pcns/ch4-beacon", EffectiveDate = Date(2027, 4, 1), RequestId = NewRequestId(),
        };

        await _client.TransferPracticeAsync(request);

        var accepted = AuditRows.Accepted(Service + "TransferPractice", "practices/LLR069", request.RequestId);
        (await AuditRows.OfRequestAsync(registry.Database, request.RequestId)).ShouldBe([accepted]);

        await _client.TransferPracticeAsync(request);

        (await AuditRows.OfRequestAsync(registry.Database, request.RequestId)).ShouldBe([accepted, accepted with { Replay = true }]);
    }

    [Fact]
    public async Task An_accepted_list_size_is_recorded_against_its_practice()
    {
        var request = new CreateListSizeRequest
        {
            Parent = "practices/LLR070", RequestId = NewRequestId(),
            ListSize = new ListSize { AsAtDate = Date(2027, 1, 1), RegisteredPatients = 5_000 },
        };

        await _client.CreateListSizeAsync(request);

        (await AuditRows.OfRequestAsync(registry.Database, request.RequestId))
            .ShouldBe([AuditRows.Accepted(Service + "CreateListSize", "practices/LLR070", request.RequestId)]);
    }

    [Fact]
    public async Task An_accepted_merge_is_recorded_against_its_successor()
    {
        var request = new MergePracticesRequest
        {
            Successor = "practices/LLR071", Predecessors = { "practices/LLR072" }, EffectiveDate = Date(2027, 4, 1), RequestId = NewRequestId(),
        };

        await _client.MergePracticesAsync(request);

        (await AuditRows.OfRequestAsync(registry.Database, request.RequestId))
            .ShouldBe([AuditRows.Accepted(Service + "MergePractices", "practices/LLR071", request.RequestId)]);
    }

    [Fact]
    public async Task A_refused_write_leaves_one_record_with_its_status_and_nothing_else()
    {
        var membershipsBefore = await MembershipsAsync("practices/LLR073");
        var broken = new TransferPracticeRequest
        {
            Name = "practices/LLR073", TargetPcn = "pcns/ch3-carillon", EffectiveDate = Date(2027, 4, 1), RequestId = NewRequestId(),
        };
        var malformed = new TransferPracticeRequest
        {
            Name = "practices/LLR073", TargetPcn = "ch4-beacon", EffectiveDate = Date(2027, 4, 1), RequestId = NewRequestId(),
        };

        (await RpcAssert.FailsPrecondition(async () => await _client.TransferPracticeAsync(broken))).Type.ShouldBe("ALREADY_A_MEMBER");
        (await RpcAssert.FailsWithFieldViolations(async () => await _client.TransferPracticeAsync(malformed))).ShouldBe(["target_pcn"]);

        (await AuditRows.OfRequestAsync(registry.Database, broken.RequestId)).ShouldBe([
            AuditRows.Accepted(Service + "TransferPractice", "practices/LLR073", broken.RequestId) with { Outcome = "FAILED_PRECONDITION" }]);
        (await AuditRows.OfRequestAsync(registry.Database, malformed.RequestId)).ShouldBe([
            AuditRows.Accepted(Service + "TransferPractice", "practices/LLR073", malformed.RequestId) with { Outcome = "INVALID_ARGUMENT" }]);
        (await CountAsync("SELECT count(*) FROM platform.idempotent_requests WHERE request_id IN ($1::uuid, $2::uuid)",
            broken.RequestId, malformed.RequestId)).ShouldBe(0);
        (await CountAsync("SELECT count(*) FROM messaging.outbox WHERE body->>'practiceId' = $1", "LLR073")).ShouldBe(0);
        (await MembershipsAsync("practices/LLR073")).ShouldBe(membershipsBefore);
    }

    [Fact]
    public async Task A_write_refused_before_its_body_decodes_is_recorded_with_its_method_and_status()
    {
        const string sql = """
            SELECT count(*) FROM audit.records
            WHERE method = $1 AND outcome = 'INVALID_ARGUMENT' AND resource = '' AND request_id = ''
            """;
        var before = await CountAsync(sql, Service + "MergePractices");
        // successor (field 1) holding bytes that are not UTF-8: grpc-dotnet cannot decode the request at all.
        byte[] body = [0x0A, 0x02, 0xC3, 0x28];
        var raw = Marshallers.Create(bytes => bytes, bytes => bytes);
        var method = new Method<byte[], byte[]>(MethodType.Unary, "llr.practices.v1.PracticeRegistryService", "MergePractices", raw, raw);

        await RpcAssert.FailsWith(StatusCode.InvalidArgument, async () => await registry.Channel.CreateCallInvoker()
            .AsyncUnaryCall(method, null, new CallOptions(deadline: DateTime.UtcNow.AddSeconds(30), cancellationToken: Cancellation), body));

        (await CountAsync(sql, Service + "MergePractices")).ShouldBe(before + 1);
    }

    [Fact]
    public async Task A_write_refused_for_its_token_is_recorded_with_the_caller_and_status()
    {
        const string sql = "SELECT count(*) FROM audit.records WHERE method = $1 AND client_id = $2 AND outcome = $3";
        var method = Service + "TransferPractice";
        var request = new TransferPracticeRequest
            { Name = "practices/LLR073", TargetPcn = "pcns/ch4-beacon", EffectiveDate = Date(2027, 4, 1), RequestId = NewRequestId() };
        var deniedBefore = await CountAsync(sql, method, PlatformFixture.TestClient, "PERMISSION_DENIED");
        var anonymousBefore = await CountAsync(sql, method, "anonymous", "UNAUTHENTICATED");

        // A token of the right client without practices.write, then no token at all: neither call is let in.
        var readOnly = new PracticeRegistryService.PracticeRegistryServiceClient(registry.AuthorizedCallsTo("practices", "practices.read"));
        await RpcAssert.FailsWith(StatusCode.PermissionDenied, async () => await readOnly.TransferPracticeAsync(request));
        var anonymous = new PracticeRegistryService.PracticeRegistryServiceClient(registry.AnonymousChannelTo("practices"));
        await RpcAssert.FailsWith(StatusCode.Unauthenticated, async () => await anonymous.TransferPracticeAsync(request,
            new CallOptions(deadline: DateTime.UtcNow.AddSeconds(30), cancellationToken: Cancellation)));

        (await CountAsync(sql, method, PlatformFixture.TestClient, "PERMISSION_DENIED")).ShouldBe(deniedBefore + 1);
        (await CountAsync(sql, method, "anonymous", "UNAUTHENTICATED")).ShouldBe(anonymousBefore + 1);
        (await AuditRows.OfRequestAsync(registry.Database, request.RequestId)).ShouldBeEmpty();
    }

    [Fact]
    public async Task A_write_whose_transaction_fails_after_its_record_was_inserted_leaves_no_ok_record()
    {
        var request = new TransferPracticeRequest
        {
            Name = "practices/LLR074", TargetPcn = "pcns/ch3-carillon", EffectiveDate = Date(2027, 4, 1), RequestId = NewRequestId(),
        };
        var membershipsBefore = await MembershipsAsync("practices/LLR074");
        // A deferred constraint trigger fails this one write's commit, after its audit record was inserted.
        var trigger = "fail_commit_" + request.RequestId.Replace("-", "", StringComparison.Ordinal);
        await ExecuteAsync($"""
            CREATE FUNCTION audit.{trigger}() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION 'the test fails this commit'; END $$;
            CREATE CONSTRAINT TRIGGER {trigger} AFTER INSERT ON audit.records DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
                WHEN (NEW.request_id = '{request.RequestId}' AND NEW.outcome = 'OK') EXECUTE FUNCTION audit.{trigger}();
            """);
        try
        {
            await RpcAssert.FailsWith(StatusCode.Internal, async () => await _client.TransferPracticeAsync(request));
        }
        finally
        {
            await ExecuteAsync($"DROP TRIGGER {trigger} ON audit.records; DROP FUNCTION audit.{trigger}();");
        }

        (await AuditRows.OfRequestAsync(registry.Database, request.RequestId)).ShouldBe([
            AuditRows.Accepted(Service + "TransferPractice", "practices/LLR074", request.RequestId) with { Outcome = "INTERNAL" }]);
        (await MembershipsAsync("practices/LLR074")).ShouldBe(membershipsBefore);
        (await CountAsync("SELECT count(*) FROM messaging.outbox WHERE body->>'practiceId' = $1", "LLR074")).ShouldBe(0);
    }

    [Theory]
    [InlineData("UPDATE audit.records SET outcome = 'OK'")]
    [InlineData("DELETE FROM audit.records")]
    [InlineData("TRUNCATE audit.records")]
    [InlineData("UPDATE audit.records SET outcome = 'OK' WHERE false")]
    [InlineData("SET LOCAL session_replication_role = replica; DELETE FROM audit.records")]
    public async Task Audit_records_cannot_be_changed_or_removed_even_by_their_owner(string sql)
    {
        var request = new TransferPracticeRequest
            { Name = "practices/LLR076", TargetPcn = "pcns/ch4-beacon", EffectiveDate = Date(2027, 4, 1), RequestId = NewRequestId() };
        await RpcAssert.FailsPrecondition(async () => await _client.TransferPracticeAsync(request));
        // The test connects as the database's owner (a superuser): the trigger holds for it too.
        (await CountAsync("SELECT count(*) FROM pg_tables t JOIN pg_roles r ON r.rolname = current_user " +
            "WHERE t.schemaname = 'audit' AND t.tablename = 'records' AND (t.tableowner = current_user OR r.rolsuper)")).ShouldBe(1);

        // In a transaction rolled back whatever happens, so a trigger that failed to refuse could not harm other tests.
        await using var connection = await registry.Database.OpenConnectionAsync(Cancellation);
        await using var transaction = await connection.BeginTransactionAsync(Cancellation);
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        var refused = await Should.ThrowAsync<PostgresException>(async () => await command.ExecuteNonQueryAsync(Cancellation));

        refused.SqlState.ShouldBe(PostgresErrorCodes.InsufficientPrivilege);
        refused.MessageText.ShouldContain("append-only");
        (await AuditRows.OfRequestAsync(registry.Database, request.RequestId)).Single().Outcome.ShouldBe("FAILED_PRECONDITION");
    }

    [Fact]
    public async Task Records_list_newest_first_in_pages_filtered_by_resource_client_and_time()
    {
        // Five refused transfers of LLR077 (already a member of CH4 Beacon), one after another.
        var requestIds = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            var request = new TransferPracticeRequest
                { Name = "practices/LLR077", TargetPcn = "pcns/ch4-beacon", EffectiveDate = Date(2027, 4, 1), RequestId = NewRequestId() };
            await RpcAssert.FailsPrecondition(async () => await _client.TransferPracticeAsync(request));
            requestIds.Add(request.RequestId);
        }
        requestIds.Reverse();

        var pages = new List<ListAuditRecordsResponse>();
        var token = "";
        do
        {
            var page = await _client.ListAuditRecordsAsync(new ListAuditRecordsRequest
                { Resource = "practices/LLR077", ClientId = PlatformFixture.TestClient, PageSize = 2, PageToken = token });
            pages.Add(page);
            token = page.NextPageToken;
        }
        while (token != "");

        pages.Select(page => page.AuditRecords.Count).ShouldBe([2, 2, 1]);
        var records = pages.SelectMany(page => page.AuditRecords).ToList();
        records.Select(record => record.RequestId).ShouldBe(requestIds);
        records.ShouldAllBe(record => record.Outcome == Google.Rpc.Code.FailedPrecondition && record.Method == Service + "TransferPractice"
            && record.ClientId == PlatformFixture.TestClient && !record.Replay);
        records.Select(record => record.RecordTime.ToDateTimeOffset()).ShouldBeInOrder(SortDirection.Descending);

        // [start, end): from the fourth newest up to, not including, the newest.
        var between = await _client.ListAuditRecordsAsync(new ListAuditRecordsRequest
            { Resource = "practices/LLR077", StartTime = records[3].RecordTime, EndTime = records[0].RecordTime });
        between.AuditRecords.Select(record => record.RequestId).ShouldBe(requestIds[1..4]);

        (await _client.ListAuditRecordsAsync(new ListAuditRecordsRequest { Resource = "practices/LLR077", ClientId = "someone-else" }))
            .AuditRecords.ShouldBeEmpty();
    }

    [Fact]
    public async Task Bad_list_requests_are_invalid_arguments_naming_their_fields()
    {
        var first = await _client.ListAuditRecordsAsync(new ListAuditRecordsRequest { PageSize = 1 });
        first.NextPageToken.ShouldNotBe("");
        var now = Timestamp.FromDateTime(DateTime.UtcNow);

        (await RpcAssert.FailsWithFieldViolations(async () => await _client.ListAuditRecordsAsync(new ListAuditRecordsRequest
            { PageSize = -1, PageToken = "made-up", StartTime = now, EndTime = now })))
            .ShouldBe(["end_time", "page_size", "page_token"]);
        (await RpcAssert.FailsWithFieldViolations(async () => await _client.ListAuditRecordsAsync(new ListAuditRecordsRequest
            { Resource = "practices/LLR077", PageToken = first.NextPageToken }))).ShouldBe(["page_token"]);
        (await RpcAssert.FailsWithFieldViolations(async () => await _client.ListAuditRecordsAsync(new ListAuditRecordsRequest
            { ClientId = "a\0b", Resource = new string('x', 300), StartTime = new Timestamp { Seconds = long.MaxValue } })))
            .ShouldBe(["client_id", "resource", "start_time"]);
    }

    private async Task<IReadOnlyList<Membership>> MembershipsAsync(string practice) =>
        (await _client.ListPracticeMembershipsAsync(new ListPracticeMembershipsRequest { Parent = practice })).Memberships;

    private async Task ExecuteAsync(string sql)
    {
        await using var command = registry.Database.CreateCommand(sql);
        await command.ExecuteNonQueryAsync(Cancellation);
    }

    private async Task<long> CountAsync(string sql, params object[] parameters)
    {
        await using var command = registry.Database.CreateCommand(sql);
        foreach (var parameter in parameters) command.Parameters.AddWithValue(parameter);
        return (long)(await command.ExecuteScalarAsync(Cancellation))!;
    }
}
