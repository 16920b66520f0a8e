using System.Data.Common;
using System.Text.Json;
using CrmActors.Grains.Common;
using CrmActors.Grains.MailAddOn.Mailboxes;
using CrmActors.Grains.MailAddOn.Parsing;
using CrmActors.Grains.Runs;
using CrmActors.Grains.Storage;
using Dapper;

namespace CrmActors.Grains.MailAddOn.Archive;

/// <summary>SQL over <c>mail_messages</c>, <c>mail_links</c> and <c>mail_backups</c>; every query is scoped by org ID.</summary>
public sealed class MailArchive(IDatabase database)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private const string SummaryColumns =
        "m.id AS Id, m.user_id AS UserId, m.backup_id AS BackupId, m.kept AS Kept, m.blob_path AS BlobPath, m.headers_only AS HeadersOnly, m.size AS Size, " +
        "m.from_text AS FromText, m.to_json AS ToJson, m.cc_json AS CcJson, m.subject AS Subject, m.sent_at AS SentAt, m.snippet AS Snippet";

    /// <summary>Every message key any backup of this mailbox already recorded, with whether its bytes were kept.</summary>
    public async Task<Dictionary<string, bool>> KeysAsync(string orgId, string userId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<(string Key, long Kept)>(
            new CommandDefinition("SELECT message_key, kept FROM mail_messages WHERE org_id = @orgId AND user_id = @userId", new { orgId, userId }, cancellationToken: cancellationToken));
        return rows.ToDictionary(r => r.Key, r => r.Kept != 0, StringComparer.Ordinal);
    }

    /// <summary>
    /// Writes a batch in one transaction fenced by the run: each message is linked to every live record of
    /// the org whose e-mail is one of its addresses, and kept or not by <paramref name="keeps"/>. A message
    /// already written (same mailbox and key) is left as it is. Returns the messages whose bytes are not kept.
    /// </summary>
    public async Task<IReadOnlyList<ArchivedMail>> WriteAsync(RunContext run, IReadOnlyList<ArchivedMail> batch, Func<int, bool> keeps, DateTimeOffset now)
    {
        var dropped = new List<ArchivedMail>();
        await using var connection = await database.OpenAsync(run.CancellationToken);
        await using var transaction = await database.BeginWriteAsync(connection, run.CancellationToken);
        await run.FenceAsync(connection, transaction);
        var records = await RecordsByEmailAsync(connection, transaction, batch[0].OrgId, batch.SelectMany(m => m.Addresses).Distinct());
        var rows = new List<object?[]>(batch.Count);
        var links = new List<object?[]>();
        foreach (var mail in batch)
        {
            var linked = mail.Addresses.SelectMany(a => records.GetValueOrDefault(a) ?? []).Distinct(StringComparer.Ordinal).ToList();
            var kept = keeps(linked.Count);
            if (!kept)
            {
                dropped.Add(mail);
            }

            var s = mail.Summary;
            rows.Add([
                mail.Id, mail.OrgId, mail.UserId, mail.MessageKey, mail.BackupId, kept ? 1L : 0L, kept ? mail.BlobPath : null, mail.MessageId,
                kept ? s.From : "", JsonSerializer.Serialize(kept ? s.To : [], Json), JsonSerializer.Serialize(kept ? s.Cc : [], Json), kept ? s.Subject : "",
                kept && s.Date is { } date ? UnixTime.Ms(date) : null, kept ? s.Snippet : "", mail.Size, mail.HeadersOnly ? 1L : 0L, UnixTime.Ms(now),
            ]);
            links.AddRange((kept ? linked : []).Select(recordId => new object?[] { mail.OrgId, recordId, mail.Id }));
        }

        await MultiRowInsert.ExecuteAsync(connection, transaction,
            "mail_messages (id, org_id, user_id, message_key, backup_id, kept, blob_path, message_id, from_text, to_json, cc_json, subject, sent_at, snippet, size, headers_only, stored_at)",
            "ON CONFLICT (org_id, user_id, message_key) DO NOTHING", rows);
        await MultiRowInsert.ExecuteAsync(connection, transaction, "mail_links (org_id, record_id, email_id)", "ON CONFLICT (org_id, record_id, email_id) DO NOTHING", links);
        await transaction.CommitAsync(run.CancellationToken);
        return dropped;
    }

    /// <summary>What a backup added, counted from the rows it wrote (so an attempt resumed after a crash counts nothing twice).</summary>
    public async Task<MailBackupCounts> CountAsync(string orgId, string backupId, int onServer, int fetched, int refused)
    {
        await using var connection = await database.OpenAsync();
        var (stored, notLinked, headersOnly, bytes) = await connection.QuerySingleAsync<(long, long, long, long)>(
            """
            SELECT CAST(COALESCE(SUM(kept), 0) AS BIGINT), CAST(COALESCE(SUM(1 - kept), 0) AS BIGINT),
                CAST(COALESCE(SUM(CASE WHEN kept = 1 THEN headers_only ELSE 0 END), 0) AS BIGINT), CAST(COALESCE(SUM(CASE WHEN kept = 1 THEN size ELSE 0 END), 0) AS BIGINT)
            FROM mail_messages WHERE org_id = @orgId AND backup_id = @backupId
            """, new { orgId, backupId });
        var links = await connection.ExecuteScalarAsync<long>(
            "SELECT COUNT(*) FROM mail_links l JOIN mail_messages m ON m.id = l.email_id WHERE l.org_id = @orgId AND m.org_id = @orgId AND m.backup_id = @backupId",
            new { orgId, backupId });
        return new MailBackupCounts(onServer, fetched, onServer - (int)(stored + notLinked) - refused, (int)stored, (int)notLinked, (int)headersOnly, (int)links, bytes, refused);
    }

    /// <summary>A page of the kept e-mails linked to one record, newest first, and how many there are.</summary>
    public async Task<(IReadOnlyList<EmailRow> Emails, long Total)> ForRecordAsync(string orgId, string recordId, int page, int perPage)
    {
        const string Linked = "FROM mail_links l JOIN mail_messages m ON m.id = l.email_id WHERE l.org_id = @orgId AND l.record_id = @recordId AND m.org_id = @orgId AND m.kept = 1";
        await using var connection = await database.OpenAsync();
        var parameters = new { orgId, recordId, limit = perPage, offset = (long)(page - 1) * perPage };
        var rows = await connection.QueryAsync<SummaryRow>($"SELECT {SummaryColumns} {Linked} ORDER BY m.sent_at DESC, m.id LIMIT @limit OFFSET @offset", parameters);
        var total = await connection.ExecuteScalarAsync<long>($"SELECT COUNT(*) {Linked}", parameters);
        return (rows.Select(r => r.AsRow()).ToList(), total);
    }

    /// <summary>One kept e-mail of the org, with the live records it is linked to (ID and module), or null.</summary>
    public async Task<(EmailRow Email, IReadOnlyList<(string Id, string Module)> Records)?> GetAsync(string orgId, string emailId)
    {
        await using var connection = await database.OpenAsync();
        var row = await connection.QuerySingleOrDefaultAsync<SummaryRow>(
            $"SELECT {SummaryColumns} FROM mail_messages m WHERE m.org_id = @orgId AND m.id = @emailId AND m.kept = 1", new { orgId, emailId });
        if (row is null)
        {
            return null;
        }

        var records = await connection.QueryAsync<(string, string)>(
            "SELECT r.id, r.module FROM mail_links l JOIN records r ON r.id = l.record_id WHERE l.org_id = @orgId AND l.email_id = @emailId AND r.org_id = @orgId AND r.deleted_at IS NULL",
            new { orgId, emailId });
        return (row.AsRow(), records.ToList());
    }

    public async Task SaveBackupAsync(MailBackupRow row, DateTimeOffset now)
    {
        await using var connection = await database.OpenAsync();
        await connection.ExecuteAsync(
            """
            INSERT INTO mail_backups (backup_id, org_id, user_id, kind, status, started_at, finished_at, counts, error, updated_at)
            VALUES (@BackupId, @OrgId, @UserId, @Kind, @Status, @startedAt, @finishedAt, @counts, @Error, @now)
            ON CONFLICT (backup_id) DO UPDATE SET status = excluded.status, finished_at = excluded.finished_at, counts = excluded.counts,
                error = excluded.error, updated_at = excluded.updated_at
            WHERE mail_backups.status = 'running'
            """,
            new
            {
                row.BackupId, row.OrgId, row.UserId, row.Kind, row.Status, startedAt = UnixTime.Ms(row.StartedAt),
                finishedAt = row.FinishedAt is { } f ? UnixTime.Ms(f) : (long?)null, counts = JsonSerializer.Serialize(row.Counts, Json), row.Error, now = UnixTime.Ms(now),
            });
    }

    /// <summary>The latest backups of these organizations, newest first.</summary>
    public async Task<IReadOnlyList<MailBackupRow>> BackupsAsync(IReadOnlyCollection<string> orgIds, int limit)
    {
        if (orgIds.Count == 0)
        {
            return [];
        }

        await using var connection = await database.OpenAsync();
        var parameters = new DynamicParameters(new { limit });
        var rows = await connection.QueryAsync<(string, string, string, string, string, long, long?, string, string?)>(
            $"SELECT backup_id, org_id, user_id, kind, status, started_at, finished_at, counts, error FROM mail_backups WHERE org_id IN ({SqlList.Add(parameters, "o", orgIds)}) " +
            "ORDER BY started_at DESC LIMIT @limit", parameters);
        return rows.Select(r => new MailBackupRow(r.Item1, r.Item2, r.Item3, r.Item4, r.Item5, UnixTime.At(r.Item6), r.Item7 is { } f ? UnixTime.At(f) : null,
            JsonSerializer.Deserialize<MailBackupCounts>(r.Item8, Json)!, r.Item9)).ToList();
    }

    /// <summary>Live records of the org by their (lower-cased) e-mail, for the addresses given.</summary>
    private static async Task<Dictionary<string, List<string>>> RecordsByEmailAsync(DbConnection connection, DbTransaction transaction, string orgId, IEnumerable<string> addresses)
    {
        var found = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var chunk in addresses.Chunk(500))
        {
            var parameters = new DynamicParameters(new { orgId });
            var rows = await connection.QueryAsync<(string Email, string Id)>(
                $"SELECT email, id FROM records WHERE org_id = @orgId AND deleted_at IS NULL AND email IN ({SqlList.Add(parameters, "e", chunk)})", parameters, transaction);
            foreach (var (email, id) in rows)
            {
                (found.TryGetValue(email, out var ids) ? ids : found[email] = []).Add(id);
            }
        }

        return found;
    }

    private sealed record SummaryRow(
        string Id, string UserId, string BackupId, long Kept, string? BlobPath, long HeadersOnly, long Size,
        string FromText, string ToJson, string CcJson, string Subject, long? SentAt, string Snippet)
    {
        public EmailRow AsRow() => new(Id, UserId, BackupId, Kept != 0, BlobPath, HeadersOnly != 0, Size,
            new MailSummary(Id, FromText, JsonSerializer.Deserialize<List<string>>(ToJson, Json)!, JsonSerializer.Deserialize<List<string>>(CcJson, Json)!,
                Subject, SentAt is { } at ? UnixTime.At(at) : null, Snippet));
    }
}
