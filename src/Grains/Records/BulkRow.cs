using System.Text.Json;
using System.Text.Json.Nodes;
using CrmActors.Grains.Organizations;

namespace CrmActors.Grains.Records;

/// <summary>One row of a bulk insert: a JSON object, or the text cells of a CSV row under its header.</summary>
public readonly record struct BulkRow(JsonElement Json, IReadOnlyList<string>? Columns, string?[]? Cells)
{
    public static BulkRow FromJson(JsonElement json) => new(json, null, null);

    public static BulkRow FromCells(IReadOnlyList<string> columns, string?[] cells) => new(default, columns, cells);

    /// <summary>The validated values of a new record, or a 400 problem naming the field.</summary>
    public JsonObject Apply(ModuleDefinition module) =>
        Cells is null ? RecordJson.Apply(module, Json, []) : RecordJson.ApplyCells(module, Columns!, Cells);
}
