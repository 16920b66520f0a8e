using CrmActors.Api.Infrastructure;
using CrmActors.Grains.Common;
using CrmActors.Grains.MailAddOn.Archive;
using CrmActors.Grains.MailAddOn.Parsing;
using CrmActors.Grains.Organizations;
using CrmActors.Grains.Records;
using CrmActors.Grains.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace CrmActors.Api;

public static partial class MailAddOnApi
{
    public sealed record LinkedRecord(string Id, string Module);

    /// <summary>The whole message: every header, the text and HTML bodies, the attachment list, decoded from any charset.</summary>
    public sealed record EmailResponse(
        string Id, string? MessageId, IReadOnlyList<MailParty> From, IReadOnlyList<MailParty> To, IReadOnlyList<MailParty> Cc, string Subject,
        DateTimeOffset? Date, IReadOnlyList<MailHeader> Headers, string? TextBody, string? HtmlBody, IReadOnlyList<MailAttachment> Attachments,
        bool HeadersOnly, long Size, IReadOnlyList<LinkedRecord> Records);

    private static void MapEmails(IEndpointRouteBuilder app)
    {
        app.MapGroup("/api/orgs/{orgId}/modules/{module}/records/{id}/emails").WithTags("Mail add-on").ForMembers()
            .MapGet("", RecordEmailsAsync);
        app.MapGroup("/api/orgs/{orgId}/emails").WithTags("Mail add-on").ForMembers()
            .MapGet("{emailId}", GetEmailAsync);
    }

    private const int EmailsPerPage = 100;
    private const int MaxEmailsPerPage = 500;

    /// <summary>
    /// The e-mails linked to a record, newest first, for anyone who may view the record: a page of them (<c>?page=</c>,
    /// <c>?perPage=</c> up to 500, 100 by default), the total in <c>X-Total-Count</c>. A contact that is the mailbox's
    /// owner is linked to every message of the mailbox.
    /// </summary>
    private static async Task<Ok<List<MailSummary>>> RecordEmailsAsync(string module, string id, HttpContext http, RecordService records, MailArchive archive, int? page, int? perPage)
    {
        var (p, size) = (page ?? 1, perPage ?? EmailsPerPage);
        if (p is < 1 or > RecordService.MaxPage || size is < 1 or > MaxEmailsPerPage)
        {
            throw ProblemException.Validation(p is < 1 or > RecordService.MaxPage ? "page" : "perPage", $"page is between 1 and {RecordService.MaxPage}, and perPage between 1 and {MaxEmailsPerPage}.");
        }

        var actor = http.Actor();
        await records.GetAsync(actor, module, id);
        var (emails, total) = await archive.ForRecordAsync(actor.OrgId, id, p, size);
        http.Response.Headers["X-Total-Count"] = total.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return TypedResults.Ok(emails.Select(e => e.Summary).ToList());
    }

    /// <summary>
    /// One message, for an admin or a user who may view one of the records it is linked to; anyone else
    /// gets 404, as for another org's message, so an ID reveals nothing.
    /// </summary>
    private static async Task<Ok<EmailResponse>> GetEmailAsync(string emailId, HttpContext http, MailArchive archive, StorageOptions storage)
    {
        var actor = http.Actor();
        var found = await archive.GetAsync(actor.OrgId, emailId);
        if (found is not var (email, linked) || (!actor.User.IsAdmin && !linked.Any(r => actor.User.Can(r.Module, ModuleAction.View))) || email.BlobPath is null)
        {
            throw ProblemException.NotFound($"E-mail {emailId}");
        }

        var mail = await MailParser.ParseFileAsync(Path.Combine(storage.ResolvedBlobRoot, email.BlobPath), http.RequestAborted);
        return TypedResults.Ok(new EmailResponse(email.Id, mail.MessageId, mail.From, mail.To, mail.Cc, mail.Subject, mail.Date, mail.Headers,
            mail.TextBody, mail.HtmlBody, mail.Attachments, email.HeadersOnly, email.Size, [.. linked.Select(r => new LinkedRecord(r.Id, r.Module))]));
    }
}
