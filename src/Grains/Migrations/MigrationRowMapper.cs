using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using CrmActors.Grains.Common;
using CrmActors.Grains.Organizations;
using CrmActors.Grains.Records;

namespace CrmActors.Grains.Migrations;

/// <summary>
/// Turns source rows of one file into records in two steps, so a run can resolve a whole batch's
/// lookups with one ledger query in between: <see cref="TryMap"/> applies the column plan and value
/// maps and collects lookups as source IDs; <see cref="TryComplete"/> swaps them for new IDs from
/// the ledger and validates the row as a record (RecordJson/RecordValidator, the bulk insert's rules).
/// A bad row becomes a <see cref="RowError"/>, never an exception.
/// </summary>
public sealed class MigrationRowMapper(ModuleColumnPlan plan, Func<string, bool>? attachmentExists = null)
{
    private readonly string[] _names = [.. plan.Targets.Where(t => t.Field is not null).Select(t => t.Field!.Name).Distinct()];

    // Per column, resolved once per file rather than once per cell: its value map and, for a lookup, the module its source IDs belong to.
    private readonly (ColumnTarget Target, IReadOnlyDictionary<string, string>? Values, string? LookupModule)[] _targets =
        [.. plan.Targets.Select(t => (t, t.Field is null ? null : (IReadOnlyDictionary<string, string>?)plan.Format.Values.GetValueOrDefault(t.Field.Name),
            t.Field is { Type: FieldTypes.Lookup } lookup ? LookupModule(lookup) : null))];
    private readonly FieldDefinition? _agentEmailField = plan.Definition.Field("Agent_Email") is { Type: FieldTypes.Email } f ? f : null;

    /// <summary>The longest source ID a row may have.</summary>
    public const int MaxSourceIdLength = 255;

    public ModuleColumnPlan Plan => plan;

    public bool TryMap(SourceRow row, [NotNullWhen(true)] out MappedRow? mapped, [NotNullWhen(false)] out RowError? error)
    {
        mapped = null;
        var sourceId = Cell(row, plan.SourceIdIndex)?.Trim();
        if (string.IsNullOrEmpty(sourceId))
        {
            error = new RowError(row.Row, null, SourceColumns.SourceId, $"The row has no source ID; every row needs its ID from the old system in {plan.Header[plan.SourceIdIndex]}.");
            return false;
        }

        if (sourceId.Length > MaxSourceIdLength)
        {
            // The ledger keys on it (PostgreSQL's index takes about 2.7 KB at most): a longer one is a bad row, not a failed pass.
            error = new RowError(row.Row, null, SourceColumns.SourceId,
                $"The source ID in {plan.Header[plan.SourceIdIndex]} is {sourceId.Length} characters long; an ID from the old system has at most {MaxSourceIdLength}.");
            return false;
        }

        var columns = new List<string>(_names.Length + 2);
        var cells = new List<string?>(_names.Length + 2);
        var lookups = new List<PendingLookup>();
        string? agentEmail = null, agentName = null, fullName = null;
        long? createdAt = null, modifiedAt = null;
        foreach (var (target, valueMap, lookupModule) in _targets)
        {
            var text = Cell(row, target.Index);
            if (text is null)
            {
                continue;
            }

            switch (target.Target)
            {
                case SourceColumns.SourceId:
                    break;
                case SourceColumns.CreatedTime or SourceColumns.ModifiedTime:
                    if (!TryParseTime(text, out var at))
                    {
                        error = new RowError(row.Row, sourceId, target.Target, $"{target.Column} must be a time such as 2026-04-30T09:00:00Z (got '{Shorten(text)}').");
                        return false;
                    }

                    if (target.Target == SourceColumns.CreatedTime)
                    {
                        createdAt = at;
                    }
                    else
                    {
                        modifiedAt = at;
                    }

                    break;
                case SourceColumns.Agent:
                    // Exports carry the assignee's e-mail or only the name; an e-mail wins when both are there.
                    if (text.Contains('@'))
                    {
                        agentEmail ??= text.Trim();
                    }
                    else
                    {
                        agentName ??= text.Trim();
                    }

                    break;
                case SourceColumns.FullName:
                    fullName = text.Trim();
                    break;
                default:
                    var field = target.Field!;
                    var value = ValueMaps.Translate(field, text, valueMap);
                    if (lookupModule is not null)
                    {
                        lookups.Add(new PendingLookup(field.Name, lookupModule, value.Trim()));
                    }

                    if (field == _agentEmailField)
                    {
                        agentEmail = value.Trim();
                    }

                    columns.Add(field.Name);
                    cells.Add(value);
                    break;
            }
        }

        if (fullName is not null)
        {
            var space = fullName.LastIndexOf(' ');
            Add("Last_Name", space < 0 ? fullName : fullName[(space + 1)..]);
            Add("First_Name", space < 0 ? null : fullName[..space].Trim());
        }

        if (agentEmail is not null && _agentEmailField is not null)
        {
            Add(_agentEmailField.Name, agentEmail);
        }

        mapped = new MappedRow(row.Row, plan.Module, sourceId, columns, cells, lookups, agentEmail, agentName, createdAt, modifiedAt);
        error = null;
        return true;

        void Add(string name, string? value)
        {
            if (value is { Length: > 0 } && plan.Definition.Field(name) is not null && !columns.Contains(name))
            {
                columns.Add(name);
                cells.Add(value);
            }
        }
    }

    /// <summary>Resolves the row's lookups through <paramref name="ledger"/> and validates it as a record of the plan's module.</summary>
    public bool TryComplete(MappedRow row, IMigrationLedger ledger, [NotNullWhen(true)] out MigrationRecord? record, [NotNullWhen(false)] out RowError? error)
    {
        record = null;
        var cells = row.Cells.ToArray();
        foreach (var lookup in row.Lookups)
        {
            if (!ledger.TryResolve(lookup.Module, lookup.SourceId, out var newId))
            {
                error = new RowError(row.Row, row.SourceId, lookup.Field,
                    $"{lookup.Field} links to the {lookup.Module} row with source ID '{Shorten(lookup.SourceId)}', which has not been migrated (it is not in the {lookup.Module} file, or it failed).");
                return false;
            }

            cells[IndexOf(row.Columns, lookup.Field)] = newId;
        }

        try
        {
            var values = RecordJson.ApplyCells(plan.Definition, row.Columns, cells);
            if (attachmentExists is not null && values["Path"]?.GetValue<string>() is { } path && !attachmentExists(path))
            {
                error = new RowError(row.Row, row.SourceId, "Path", $"Path '{Shorten(path)}' names no file in the ZIP; give the file's path inside the ZIP, such as files/{Shorten(path)}.");
                return false;
            }

            record = new MigrationRecord(row.Row, row.Module, row.SourceId, values, row.AgentEmail, row.AgentName, row.CreatedAt, row.ModifiedAt);
            error = null;
            return true;
        }
        catch (ProblemException problem) when (problem.Status == 400)
        {
            error = new RowError(row.Row, row.SourceId, problem.Extensions.GetValueOrDefault("field") as string ?? "row", problem.Message);
            return false;
        }
    }

    /// <summary>Both steps at once, for callers whose ledger already holds every earlier module.</summary>
    public bool TryMapAndComplete(SourceRow row, IMigrationLedger ledger, [NotNullWhen(true)] out MigrationRecord? record, [NotNullWhen(false)] out RowError? error)
    {
        record = null;
        return TryMap(row, out var mapped, out error) && TryComplete(mapped, ledger, out record, out error);
    }

    /// <summary>The migration module a lookup field's values are source IDs of; null for lookups to modules a migration does not fill (their values must be CRM IDs).</summary>
    private static string? LookupModule(FieldDefinition field) =>
        MigrationModules.Order.FirstOrDefault(m => m != MigrationModules.Attachments && MigrationModules.CrmModules[m] == field.LookupModule);

    private static bool TryParseTime(string text, out long ms)
    {
        var ok = DateTimeOffset.TryParse(text.Trim(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time);
        ms = ok ? UnixTime.Ms(time) : 0;
        return ok;
    }

    private static int IndexOf(IReadOnlyList<string> columns, string name)
    {
        for (var i = 0; i < columns.Count; i++)
        {
            if (columns[i] == name)
            {
                return i;
            }
        }

        return -1;
    }

    private static string? Cell(SourceRow row, int index) => index < row.Cells.Length ? row.Cells[index] : null;

    private static string Shorten(string text) => text.Length > 60 ? text[..60] + "…" : text;
}
