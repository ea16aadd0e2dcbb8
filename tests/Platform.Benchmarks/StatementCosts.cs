using System.Globalization;
using System.Text.RegularExpressions;
using Npgsql;

namespace Platform.Benchmarks;

/// <summary>
/// What PostgreSQL spent on each statement while a run went, from <c>pg_stat_statements</c> (which the benchmark has
/// the server load: BenchmarkPlatform). A profile shows the backends' time; this says which statements it went to.
/// </summary>
public sealed partial class StatementCosts(NpgsqlDataSource superuser)
{
    /// <summary>Makes the view in this database (the counts are the whole server's) and starts counting afresh.</summary>
    public async Task ResetAsync()
    {
        await using var command = superuser.CreateCommand(
            "CREATE EXTENSION IF NOT EXISTS pg_stat_statements; SELECT pg_stat_statements_reset()");
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>The statements that took the most execution time since the reset, one line each.</summary>
    public async Task<IReadOnlyList<string>> TopAsync(int count)
    {
        await using var command = superuser.CreateCommand("""
            SELECT d.datname, s.calls, s.total_exec_time, s.rows, s.query
            FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid
            ORDER BY s.total_exec_time DESC LIMIT $1
            """);
        command.Parameters.AddWithValue(count);
        await using var reader = await command.ExecuteReaderAsync();
        var lines = new List<string> { $"  {"database",-10} {"calls",8} {"exec ms",9} {"ms/call",8} {"rows/call",9}  statement" };
        while (await reader.ReadAsync())
        {
            var (calls, milliseconds, rows) = (reader.GetInt64(1), reader.GetDouble(2), reader.GetInt64(3));
            var text = Whitespace().Replace(reader.GetString(4), " ");
            lines.Add(string.Create(CultureInfo.InvariantCulture,
                $"  {reader.GetString(0),-10} {calls,8} {milliseconds,9:F0} {milliseconds / calls,8:F3} " +
                $"{(double)rows / calls,9:F1}  {(text.Length > 110 ? text[..110] + "…" : text)}"));
        }
        return lines;
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
