using Npgsql;
using NpgsqlTypes;

namespace Platform.Data;

public static class SqlParameters
{
    /// <summary>A text[] parameter; null (SQL NULL) reads as "no filter" in <c>$n::text[] IS NULL OR x = ANY($n)</c>.</summary>
    public static NpgsqlParameter TextArray(IReadOnlyCollection<string>? values) =>
        new() { Value = values is null ? DBNull.Value : values.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text };
}
