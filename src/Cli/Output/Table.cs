using System.Text;

namespace Orchestrator.Cli.Output;

/// <summary>A plain text table: a header row and left-aligned columns two spaces apart, no trailing blanks.</summary>
internal sealed class Table(params string[] headers)
{
    private readonly List<string[]> rows = [];

    public int Count => rows.Count;

    public Table Add(params string[] cells)
    {
        if (cells.Length != headers.Length)
        {
            throw new ArgumentException($"a row of {cells.Length} cells in a table of {headers.Length} columns", nameof(cells));
        }
        rows.Add(cells);
        return this;
    }

    public string Write()
    {
        var widths = headers.Select((h, i) => rows.Select(r => r[i].Length).Append(h.Length).Max()).ToArray();
        var text = new StringBuilder();
        foreach (var row in rows.Prepend(headers))
        {
            var line = string.Join("  ", row.Select((cell, i) => cell.PadRight(widths[i])));
            text.Append(line.TrimEnd()).Append('\n');
        }
        return text.ToString();
    }
}
