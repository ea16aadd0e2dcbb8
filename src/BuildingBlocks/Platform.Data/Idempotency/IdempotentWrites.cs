using Npgsql;
using Platform.Data.Audit;
using Platform.Domain.Errors;

namespace Platform.Data.Idempotency;

/// <summary>What makes a write request unique: the operation, the caller's request id, and a fingerprint of its content.</summary>
public sealed record WriteRequest(string Operation, Guid? RequestId, byte[] Fingerprint);

/// <summary>
/// Runs a write in one <see cref="UnitOfWork"/> (one PostgreSQL transaction), at most once per request id (AIP-155). The request id is claimed by
/// inserting it first: a concurrent retry with the same id blocks on that row until the first commits, then reads the
/// stored answer instead of writing again; if the first rolled back, the retry writes. A request id reused for a
/// different request is the caller's mistake (INVALID_ARGUMENT), not a replay.
/// Conflicts PostgreSQL detects (serialization failure, deadlock) surface as <see cref="ConcurrencyConflictException"/>.
/// Within a write RPC (an <see cref="AuditScope"/>), the accepted write's audit record is inserted in the same unit of
/// work just before it commits, a replay's too: a write that commits has its record, one that rolls back has none.
/// </summary>
public sealed class IdempotentWrites(NpgsqlDataSource dataSource)
{
    public async Task<TResponse> RunAsync<TResponse>(
        WriteRequest request,
        Func<UnitOfWork, CancellationToken, Task<TResponse>> write,
        Func<TResponse, byte[]> encode,
        Func<byte[], TResponse> decode,
        CancellationToken cancellationToken)
    {
        try
        {
            await using var work = await dataSource.BeginUnitOfWorkAsync(cancellationToken);

            if (request.RequestId is { } requestId && !await ClaimAsync(work, request, requestId, cancellationToken))
            {
                var earlier = await ReadEarlierAnswerAsync(work, request, requestId, cancellationToken);
                await CommitWithAuditAsync(work, replay: true, cancellationToken);
                return decode(earlier);
            }

            var response = await write(work, cancellationToken);
            if (request.RequestId is { } id)
            {
                var save = new NpgsqlBatchCommand("UPDATE platform.idempotent_requests SET response = $2 WHERE request_id = $1");
                save.Parameters.Add(new NpgsqlParameter { Value = id });
                save.Parameters.Add(new NpgsqlParameter { Value = encode(response) });
                work.AddToCommit(save);
            }

            await CommitWithAuditAsync(work, replay: false, cancellationToken);
            return response;
        }
        catch (PostgresException e) when (PostgresErrors.IsConcurrencyConflict(e))
        {
            throw new ConcurrencyConflictException($"A concurrent write to the same data won ({e.SqlState}); read again and retry.");
        }
    }

    /// <summary>The answer, the audit record and the commit go in one round trip (<see cref="UnitOfWork.AddToCommit"/>).</summary>
    private static async Task CommitWithAuditAsync(UnitOfWork work, bool replay, CancellationToken cancellationToken)
    {
        var scope = AuditScope.Current;
        if (scope is not null && !scope.Recorded)
            AuditStore.Record(work, scope.Write, AuditOutcomes.Accepted, replay);
        await work.CommitAsync(cancellationToken);
        scope?.MarkRecorded();
    }

    private static async Task<bool> ClaimAsync(UnitOfWork work, WriteRequest request, Guid requestId, CancellationToken cancellationToken)
    {
        await using var claim = work.Command("""
            INSERT INTO platform.idempotent_requests (request_id, operation, fingerprint) VALUES ($1, $2, $3)
            ON CONFLICT (request_id) DO NOTHING
            """);
        claim.Parameters.AddWithValue(requestId);
        claim.Parameters.AddWithValue(request.Operation);
        claim.Parameters.AddWithValue(request.Fingerprint);
        return await claim.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    private static async Task<byte[]> ReadEarlierAnswerAsync(UnitOfWork work, WriteRequest request, Guid requestId, CancellationToken cancellationToken)
    {
        await using var read = work.Command("SELECT operation, fingerprint, response FROM platform.idempotent_requests WHERE request_id = $1");
        read.Parameters.AddWithValue(requestId);
        await using var reader = await read.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var sameRequest = reader.GetString(0) == request.Operation && reader.GetFieldValue<byte[]>(1).AsSpan().SequenceEqual(request.Fingerprint);
        if (!sameRequest)
            throw new InvalidArgumentException("request_id", "This request id was already used for a different request; use a new UUID for a new request.");
        return reader.GetFieldValue<byte[]>(2);
    }
}
