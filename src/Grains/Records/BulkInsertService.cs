using System.Text.Json.Nodes;
using System.Threading.Channels;
using CrmActors.Grains.Audit;
using CrmActors.Grains.Common;
using CrmActors.Grains.Organizations;
using CrmActors.Grains.Settings;
using CrmActors.Grains.Storage;

namespace CrmActors.Grains.Records;

/// <summary>
/// Inserts a stream of rows in batches inside one transaction: good rows are kept, bad rows are
/// reported with their 1-based data row number (header excluded). A broken stream (malformed JSON/CSV,
/// bad encoding) rolls back the whole request, so nothing is half-written. Parsing and validating the
/// next batch overlaps with the database writing the previous one. The rows come from a local spool
/// (<see cref="TempSpool"/>), never straight from a client, so the transaction lasts as long as the parse.
/// </summary>
public sealed class BulkInsertService(IDatabase database, RecordStore store, TimeProvider clock)
{
    public const int BatchSize = 2000;
    public const int MaxReportedFailures = 1000;

    public sealed record Failure(int Row, string Field, string Error);

    public sealed record Result(int Created, int FailedCount, IReadOnlyList<Failure> Failed);

    private readonly record struct Pending(int Row, JsonObject Data, RecordRow Record);

    public async Task<Result> InsertAsync(Actor actor, string moduleName, IAsyncEnumerable<BulkRow> rows, int maxRows, CancellationToken cancellationToken)
    {
        var module = actor.Authorize(moduleName, ModuleAction.Create);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await database.BeginWriteAsync(connection, cancellationToken);
        var failures = new List<Failure>();
        var failedCount = 0;
        var created = 0;
        var rowNumber = 0;
        var batch = new List<Pending>(BatchSize);
        var batches = Channel.CreateBounded<List<Pending>>(new BoundedChannelOptions(2) { SingleReader = true, SingleWriter = true });

        void Fail(int row, ProblemException problem)
        {
            lock (failures)
            {
                failedCount++;
                if (failures.Count < MaxReportedFailures)
                {
                    failures.Add(new Failure(row, problem.Field ?? "", problem.Message));
                }
            }
        }

        async Task WriteAsync(List<Pending> pending)
        {
            var lookups = pending.SelectMany(b => RecordJson.Lookups(module, b.Data)).Select(l => l.Id).ToList();
            var live = lookups.Count == 0 ? [] : await RecordStore.FindLiveAsync(connection, transaction, actor.OrgId, lookups, database.ForKeyShare);
            var good = new List<RecordRow>(pending.Count);
            foreach (var (row, data, record) in pending)
            {
                var broken = RecordJson.Lookups(module, data).FirstOrDefault(l =>
                    !live.TryGetValue(l.Id, out var target) || (l.Field.LookupModule != FieldDefinition.AnyModule && target != l.Field.LookupModule));
                if (broken.Field is not null)
                {
                    Fail(row, RecordValidator.Invalid(broken.Field, $"the ID of an existing {broken.Field.LookupModule} record; {broken.Id} is not one"));
                    continue;
                }

                good.Add(record);
            }

            await store.InsertManyAsync(connection, transaction, good);
            created += good.Count;
        }

        var writer = Task.Run(async () =>
        {
            try
            {
                await foreach (var next in batches.Reader.ReadAllAsync(cancellationToken))
                {
                    await WriteAsync(next);
                }
            }
            catch (Exception exception)
            {
                batches.Writer.TryComplete(exception);
                throw;
            }
        }, cancellationToken);

        try
        {
            await ReadAsync();
            batches.Writer.TryComplete();
        }
        catch
        {
            // Stop the writer before the transaction rolls back; its own failure, if any, is the one to report.
            batches.Writer.TryComplete();
            await Task.WhenAny(writer);
            if (writer.IsFaulted)
            {
                await writer;
            }

            throw;
        }

        await writer;
        if (created > 0)
        {
            await AuditLog.WriteAsync(connection, transaction, actor.OrgId, clock.GetUtcNow(), actor.User.Id, AuditActions.BulkCreate, AuditTargets.Record,
                module.Name, null, null, [new FieldChange("records", null, created)]);
        }

        await transaction.CommitAsync(cancellationToken);
        return new Result(created, failedCount, [.. failures.OrderBy(f => f.Row)]);

        async Task ReadAsync()
        {
            await foreach (var element in rows.WithCancellation(cancellationToken))
            {
                if (++rowNumber > maxRows)
                {
                    throw new ProblemException(413, ProblemCodes.PayloadTooLarge, $"A bulk insert takes at most {maxRows} rows; split the file.");
                }

                try
                {
                    var data = element.Apply(module);
                    RecordAutomation.OnCreate(actor.Org, module, data);
                    var now = UnixTime.Ms(clock.GetUtcNow());
                    batch.Add(new Pending(rowNumber, data, RecordJson.ToRow(module, actor.OrgId, Ids.New(), data, actor.User.Id, now, actor.User.Id, now, actor.User.Id)));
                }
                catch (ProblemException problem) when (problem.Status == 400)
                {
                    Fail(rowNumber, problem);
                }

                if (batch.Count == BatchSize)
                {
                    await batches.Writer.WriteAsync(batch, cancellationToken);
                    batch = new List<Pending>(BatchSize);
                }
            }

            await batches.Writer.WriteAsync(batch, cancellationToken);
        }
    }
}
