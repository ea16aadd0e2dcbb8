using Npgsql;

namespace Platform.Testing;

/// <summary>An audit record as a test reads it straight from a service's database.</summary>
public sealed record AuditRow(string ClientId, string Method, string Resource, string RequestId, string Outcome, bool Replay);

/// <summary>Reads a service's audit trail (audit.records) by request id, oldest first, to check what a write left.</summary>
public static class AuditRows
{
    public static async Task<IReadOnlyList<AuditRow>> OfRequestAsync(NpgsqlDataSource database, string requestId)
    {
        await using var command = database.CreateCommand("""
            SELECT client_id, method, resource, request_id, outcome, replay FROM audit.records WHERE request_id = $1 ORDER BY id
            """);
        command.Parameters.AddWithValue(requestId);
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        var rows = new List<AuditRow>();
        while (await reader.ReadAsync(TestContext.Current.CancellationToken))
            rows.Add(new AuditRow(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetBoolean(5)));
        return rows;
    }

    /// <summary>The one record an accepted, first-time write leaves.</summary>
    public static AuditRow Accepted(string method, string resource, string requestId) =>
        new(PlatformFixture.TestClient, method, resource, requestId, "OK", Replay: false);
}
