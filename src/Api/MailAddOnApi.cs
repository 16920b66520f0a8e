using CrmActors.Api.Infrastructure;
using CrmActors.Grains.Common;
using CrmActors.Grains.MailAddOn;
using CrmActors.Grains.MailAddOn.Mailboxes;
using CrmActors.Grains.Organizations;
using CrmActors.Grains.Records;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Orleans;

namespace CrmActors.Api;

/// <summary>
/// Mail add-on (SPEC §4, §7): a user's own mailbox settings; the admins' view of mail add-on users with
/// lock/unlock and mailbox backups of deactivated users; e-mails linked to records.
/// </summary>
public static partial class MailAddOnApi
{
    private const int MaxPasswordLength = 1000;

    public sealed record MailboxBody(string? Protocol, string? Host, int? Port, string? Tls, string? Login, string? Password, string? Address, string? AccountType);

    public static IEndpointRouteBuilder MapMailAddOnApi(this IEndpointRouteBuilder app)
    {
        var own = app.MapGroup("/api/orgs/{orgId}/users/{userId}/mailbox").WithTags("Mail add-on").ForMembers();
        own.MapPut("", SaveMailboxAsync);
        own.MapGet("", GetMailboxAsync);

        var admin = app.MapGroup("/api/orgs/{orgId}/mail-addon/users").WithTags("Mail add-on").ForAdmins();
        admin.MapGet("", ListUsersAsync);
        admin.MapGet("{userId}", async (string userId, HttpContext http, IGrainFactory grains) =>
            TypedResults.Ok(await UserEntryAsync(http.Actor(), Target(http.Actor(), userId), grains, withHistory: true)));
        admin.MapPost("{userId}/lock", (string userId, HttpContext http, IGrainFactory grains) => SetLockedAsync(userId, true, http, grains));
        admin.MapPost("{userId}/unlock", (string userId, HttpContext http, IGrainFactory grains) => SetLockedAsync(userId, false, http, grains));
        admin.MapPost("{userId}/backup", (string userId, HttpContext http, IGrainFactory grains) => StartBackupAsync(userId, MailBackupKinds.Full, http, grains));
        admin.MapPost("{userId}/backup/latest", (string userId, HttpContext http, IGrainFactory grains) => StartBackupAsync(userId, MailBackupKinds.Latest, http, grains));

        MapEmails(app);
        return app;
    }

    private static async Task<Ok<MailboxResponse>> SaveMailboxAsync(string userId, MailboxBody body, HttpContext http, IGrainFactory grains, MailSecrets secrets)
    {
        var actor = http.Actor();
        if (actor.User.Id != userId)
        {
            throw new ProblemException(403, MailProblems.OwnSettingsOnly,
                "Mail add-on settings can be changed only by their user; an administrator can lock them instead.");
        }

        if (body.Password is { Length: > MaxPasswordLength })
        {
            throw ProblemException.Validation("password", $"password must be at most {MaxPasswordLength} characters.");
        }

        var input = new MailboxSettingsInput(body.Protocol ?? "", body.Host ?? "", body.Port ?? 0, body.Tls ?? "", body.Login ?? "", body.Address ?? "", body.AccountType ?? "");
        var saved = await Mailbox(grains, actor.OrgId, userId)
            .SaveSettingsAsync(input, string.IsNullOrEmpty(body.Password) ? null : secrets.Protect(body.Password));
        return TypedResults.Ok(saved.AsMailboxResponse());
    }

    /// <summary>The user's own settings, or any user's for an admin; never the password.</summary>
    private static async Task<Ok<MailboxResponse>> GetMailboxAsync(string userId, HttpContext http, IGrainFactory grains)
    {
        var actor = http.Actor();
        if (actor.User.Id != userId && !actor.User.IsAdmin)
        {
            throw new ProblemException(403, MailProblems.OwnSettingsOnly, "Only the user and administrators can see a user's mail add-on settings.");
        }

        return TypedResults.Ok((await Mailbox(grains, actor.OrgId, Target(actor, userId).Id).GetAsync()).AsMailboxResponse());
    }

    /// <summary>Every user of the org who set up a mailbox, in the org's user order.</summary>
    private static async Task<Ok<List<MailUserResponse>>> ListUsersAsync(HttpContext http, IGrainFactory grains)
    {
        var actor = http.Actor();
        var entries = await Task.WhenAll(actor.Org.Users.Select(u => UserEntryAsync(actor, u, grains, withHistory: false)));
        return TypedResults.Ok(entries.Where(e => e.Mailbox is not null).ToList());
    }

    private static async Task<Ok<MailUserResponse>> SetLockedAsync(string userId, bool locked, HttpContext http, IGrainFactory grains)
    {
        var actor = http.Actor();
        var target = Target(actor, userId);
        await Mailbox(grains, actor.OrgId, target.Id).SetLockedAsync(locked, AdminContext(actor, target));
        return TypedResults.Ok(await UserEntryAsync(actor, target, grains, withHistory: false));
    }

    private static async Task<Accepted<MailBackupResponse>> StartBackupAsync(string userId, string kind, HttpContext http, IGrainFactory grains)
    {
        var actor = http.Actor();
        var target = Target(actor, userId);
        var backup = await Mailbox(grains, actor.OrgId, target.Id).StartBackupAsync(kind, AdminContext(actor, target));
        return TypedResults.Accepted($"/api/orgs/{actor.OrgId}/mail-addon/users/{target.Id}", backup.AsResponse());
    }

    private static async Task<MailUserResponse> UserEntryAsync(Actor actor, UserAccount user, IGrainFactory grains, bool withHistory)
    {
        var view = await Mailbox(grains, actor.OrgId, user.Id).GetAsync();
        return user.AsMailUserResponse(view, withHistory);
    }

    private static MailAdminContext AdminContext(Actor actor, UserAccount target) =>
        new(actor.User.Id, actor.User.Email, actor.Org.Users.Count(u => u.IsAdmin && u.Active), target.Active, target.ReactivatedAt);

    private static UserAccount Target(Actor actor, string userId) => actor.Org.User(userId) ?? throw ProblemException.NotFound($"User {userId}");

    private static IMailboxGrain Mailbox(IGrainFactory grains, string orgId, string userId) => grains.Grain<IMailboxGrain>(MailboxKeys.Of(orgId, userId));
}
