using CrmActors.Grains.Organizations;

namespace CrmActors.Grains.Migrations;

/// <summary>What a part of a pass did: the last source row handled, and the columns its header had that fed nothing.</summary>
public sealed record PartResult(MigrationSourcePart Part, long LastRow, IReadOnlyList<string> UnusedColumns);

/// <summary>
/// Drives one pass over a part of a source file, batch by batch: read rows, map them, load the
/// ledger entries the batch needs, skip rows already migrated (a second pass, a resumed pass, a
/// repeated source ID), resolve lookups, pick tickets' owners, write through the sink, append the
/// report lines, checkpoint (the sink commits records, ledger and lines together; <paramref name="report"/>,
/// when given, also gets the lines, e.g. for a dry run's ZIP). The run grain calls <see cref="RunPartAsync"/> for each part of
/// <see cref="PartsInOrder"/>, resuming a part after the row of its last checkpoint.
/// </summary>
public sealed class MigrationPassRunner(
    MigrationMapping mapping,
    IReadOnlyList<ModuleDefinition> orgModules,
    IMigrationLedger ledger,
    IMigrationSink sink,
    MigrationReportWriter? report,
    OwnerResolver owners)
{
    public int BatchSize { get; init; } = 1000;

    /// <summary>A dry run validates and reports but leaves new_id empty (the sink writes nothing).</summary>
    public bool DryRun { get; init; }

    /// <summary>The parts of a pass's files in SPEC order (upload order within a module), limited to the job's modules.</summary>
    public static IReadOnlyList<(MigrationSource Source, MigrationSourcePart Part)> PartsInOrder(IEnumerable<MigrationSource> sources, IReadOnlyCollection<string> modules) =>
        [.. MigrationModules.InMigrationOrder(sources.SelectMany(s => s.Parts.Select(p => (s, p))), x => x.p.Module).Where(x => modules.Contains(x.p.Module))];

    public MigrationMapping Mapping => mapping;

    public ModuleDefinition DefinitionOf(string module) => MigrationModules.DefinitionIn(orgModules, module);

    public async Task<PartResult> RunPartAsync(MigrationSource source, MigrationSourcePart part, long resumeAfterRow = 0, CancellationToken cancellationToken = default)
    {
        await using var csv = await source.OpenCsvAsync(part, cancellationToken);
        var plan = mapping.Plan(part.Label, part.Module, DefinitionOf(part.Module), csv.Header);
        var mapper = new MigrationRowMapper(plan, part.Module == MigrationModules.Attachments ? source.HasFile : null);
        var batch = new List<(long Row, MappedRow? Mapped, RowError? Error)>(BatchSize);
        var lastRow = resumeAfterRow;
        await foreach (var row in csv.ReadRowsAsync(cancellationToken))
        {
            if (row.Row <= resumeAfterRow)
            {
                continue;
            }

            batch.Add(mapper.TryMap(row, out var mapped, out var error) ? (row.Row, mapped, null) : (row.Row, null, error));
            if (batch.Count == BatchSize)
            {
                lastRow = await FlushAsync(part, mapper, batch, cancellationToken);
            }
        }

        if (batch.Count > 0)
        {
            lastRow = await FlushAsync(part, mapper, batch, cancellationToken);
        }

        return new PartResult(part, lastRow, plan.UnusedColumns);
    }

    private async Task<long> FlushAsync(MigrationSourcePart part, MigrationRowMapper mapper, List<(long Row, MappedRow? Mapped, RowError? Error)> batch, CancellationToken cancellationToken)
    {
        var module = part.Module;
        await sink.LoadLedgerAsync([.. batch.Where(b => b.Mapped is not null)
            .SelectMany(b => b.Mapped!.Lookups.Select(l => (l.Module, l.SourceId)).Prepend((module, b.Mapped!.SourceId))).Distinct()], cancellationToken);

        var lines = new ReportLine?[batch.Count];
        var writes = new List<MigrationWrite>();
        var writeAt = new List<int>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < batch.Count; i++)
        {
            var (_, mapped, error) = batch[i];
            if (mapped is not null)
            {
                owners.Agents.Add(mapped);
            }

            if (mapped is null)
            {
                lines[i] = ReportLine.From(error!);
            }
            else if (ledger.TryResolve(module, mapped.SourceId, out var existing))
            {
                lines[i] = ReportLine.Skipped(mapped.SourceId, DryRun ? null : existing, "already migrated");
            }
            else if (!seen.Add(mapped.SourceId))
            {
                lines[i] = ReportLine.Skipped(mapped.SourceId, null, $"the source ID appears on an earlier row of {part.Label}");
            }
            else if (!mapper.TryComplete(mapped, ledger, out var record, out error))
            {
                lines[i] = ReportLine.From(error);
            }
            else
            {
                writes.Add(new MigrationWrite(record, module == MigrationModules.Tickets ? owners.Resolve(record.AgentEmail, record.AgentName) : null));
                writeAt.Add(i);
            }
        }

        var ids = writes.Count == 0 ? [] : await sink.WriteAsync(module, writes, cancellationToken);
        if (ids.Count != writes.Count)
        {
            throw new InvalidOperationException($"The sink returned {ids.Count} IDs for a batch of {writes.Count} records.");
        }

        for (var w = 0; w < writes.Count; w++)
        {
            lines[writeAt[w]] = ReportLine.Migrated(writes[w].Record.SourceId, DryRun ? null : ids[w], writes[w].Owner?.ReportNote);
        }

        var reported = new (long Row, string Module, ReportLine Line)[batch.Count];
        for (var i = 0; i < batch.Count; i++)
        {
            reported[i] = (batch[i].Row, module, lines[i]!);
            report?.Append(module, lines[i]!);
        }

        var lastRow = batch[^1].Row;
        batch.Clear();
        await sink.CheckpointAsync(part, lastRow, reported, cancellationToken);
        return lastRow;
    }
}
