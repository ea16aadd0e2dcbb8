namespace Platform.Data.Seeding;

/// <summary>
/// A seed CSV read by column name (RFC 4180 quoting), so the data files can carry notes and extra provenance columns
/// without the loader caring.
/// </summary>
public sealed class CsvTable
{
    private readonly Dictionary<string, int> _columns;
    private readonly List<string[]> _rows;

    private CsvTable(Dictionary<string, int> columns, List<string[]> rows) => (_columns, _rows) = (columns, rows);

    public IEnumerable<CsvRow> Rows => _rows.Select(row => new CsvRow(this, row));

    public static CsvTable Read(string path)
    {
        var records = Parse(File.ReadAllText(path)).Where(record => record.Length > 1 || record[0].Length > 0).ToList();
        var columns = records[0].Select((name, index) => (name, index)).ToDictionary(column => column.name.Trim(), column => column.index);
        return new CsvTable(columns, records.Skip(1).ToList());
    }

    internal string Get(string[] row, string column) =>
        _columns.TryGetValue(column, out var index) ? (index < row.Length ? row[index].Trim() : "") : throw new KeyNotFoundException($"No column '{column}'.");

    private static IEnumerable<string[]> Parse(string text)
    {
        var fields = new List<string>();
        var field = new System.Text.StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"') { field.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else field.Append(c);
            }
            else if (c == '"') quoted = true;
            else if (c == ',') { fields.Add(field.ToString()); field.Clear(); }
            else if (c == '\n')
            {
                fields.Add(field.ToString().TrimEnd('\r'));
                field.Clear();
                yield return fields.ToArray();
                fields.Clear();
            }
            else field.Append(c);
        }
        if (field.Length > 0 || fields.Count > 0)
        {
            fields.Add(field.ToString().TrimEnd('\r'));
            yield return fields.ToArray();
        }
    }
}

public readonly record struct CsvRow(CsvTable Table, string[] Values)
{
    public string this[string column] => Table.Get(Values, column);

    public string? Optional(string column) => this[column] is { Length: > 0 } value ? value : null;

    /// <summary>"file:line", the provenance every seeded row carries.</summary>
    public string Source => $"{this["source_file"]}:{this["source_line"]}";
}
