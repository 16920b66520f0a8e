using CrmActors.Grains.Organizations;

namespace CrmActors.Grains.Migrations;

/// <summary>What a part of a pass did: the last source row handled, and the columns its header had that fed nothing.</summary>
public sealed record PartResult(MigrationSourcePart Part, long LastRow, IReadOnlyList<string> UnusedColumns);

/// <summary>
/// Drives one pass over a part of a source file, batch by batch: read rows, map them, load the
/// ledger entries the batch's lookups need, skip a source ID repeated within the batch, resolve
/// lookups, pick tickets' owners, and commit through the sink, which skips rows already migrated (a
/// second pass, a resumed pass, a source ID repeated across batches) and commits records, ledger,
/// lines and the resume point together; <paramref name="report"/>, when given, also gets the lines,
/// e.g. for a dry run's ZIP. The run grain calls <see cref="RunPartAsync"/> for each part of
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
        var committing = Task.CompletedTask;
        try
        {
            await foreach (var row in csv.ReadRowsAsync(cancellationToken))
            {
                if (row.Row <= resumeAfterRow)
                {
                    continue;
                }

                batch.Add(mapper.TryMap(row, out var mapped, out var error) ? (row.Row, mapped, null) : (row.Row, null, error));
                if (batch.Count == BatchSize)
                {
                    lastRow = batch[^1].Row;
                    committing = await FlushAsync(part, mapper, batch, committing, cancellationToken);
                }
            }

            if (batch.Count > 0)
            {
                lastRow = batch[^1].Row;
                committing = await FlushAsync(part, mapper, batch, committing, cancellationToken);
            }
        }
        finally
        {
            await committing;
        }

        return new PartResult(part, lastRow, plan.UnusedColumns);
    }

    /// <summary>
    /// Completes a batch and starts its commit; the task returned ends when the batch is committed and its lines
    /// reported. When the sink allows it, the batch is read, mapped and completed while the one before commits
    /// (commits still run one at a time, in order). A batch waits for that commit first when one of its lookups
    /// names its own module: it may link to a row of the batch before.
    /// </summary>
    private async Task<Task> FlushAsync(MigrationSourcePart part, MigrationRowMapper mapper, List<(long Row, MappedRow? Mapped, RowError? Error)> batch, Task previous, CancellationToken cancellationToken)
    {
        var module = part.Module;
        List<(string Module, string SourceId)> lookups = [.. batch.Where(b => b.Mapped is not null).SelectMany(b => b.Mapped!.Lookups.Select(l => (l.Module, l.SourceId))).Distinct()];
        if (!sink.OverlapsCommits(module) || lookups.Any(l => l.Module == module))
        {
            await previous;
        }

        await sink.LoadLedgerAsync(lookups, cancellationToken);
        var rows = new MigrationBatchRow[batch.Count];
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < batch.Count; i++)
        {
            var (row, mapped, error) = batch[i];
            if (mapped is null)
            {
                rows[i] = new(row, ReportLine.From(error!));
                continue;
            }

            owners.Agents.Add(mapped);
            rows[i] = !seen.Add(mapped.SourceId) ? new(row, ReportLine.Skipped(mapped.SourceId, null, $"the source ID appears on an earlier row of {part.Label}"))
                : !mapper.TryComplete(mapped, ledger, out var record, out error) ? new(row, ReportLine.From(error))
                : new(row, null, new MigrationWrite(record, module == MigrationModules.Tickets ? owners.Resolve(record.AgentEmail, record.AgentName) : null));
        }

        var lastRow = batch[^1].Row;
        batch.Clear();
        await previous;
        return CommitAsync(part, lastRow, rows, cancellationToken);
    }

    private async Task CommitAsync(MigrationSourcePart part, long lastRow, MigrationBatchRow[] rows, CancellationToken cancellationToken)
    {
        var lines = await sink.CommitAsync(part, lastRow, rows, cancellationToken);
        if (lines.Count != rows.Length)
        {
            throw new InvalidOperationException($"The sink returned {lines.Count} lines for a batch of {rows.Length} rows.");
        }

        foreach (var line in lines)
        {
            report?.Append(part.Module, line);
        }
    }
}
