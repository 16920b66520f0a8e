using System.Text.Json.Serialization;
using CrmActors.Grains.Backups;
using CrmActors.Grains.Runs;

namespace CrmActors.Grains.Common;

/// <summary>
/// A change outside the grain's own state that a turn asks for: an audit row, a token row, a
/// restore row, a run to start. It rides in the grain's stored state (the outbox) and is applied
/// after the state write and again on activation until a later write drops it, so each effect must
/// be idempotent: rows carry their own keys and are inserted at most once.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "effect")]
[JsonDerivedType(typeof(AuditRowEffect), "audit")]
[JsonDerivedType(typeof(TokenAddedEffect), "token-added")]
[JsonDerivedType(typeof(TokensRevokedEffect), "tokens-revoked")]
[JsonDerivedType(typeof(RestoreQueuedEffect), "restore-queued")]
[JsonDerivedType(typeof(RunStartedEffect), "run-started")]
[JsonDerivedType(typeof(OrganizationIndexedEffect), "organization-indexed")]
[JsonDerivedType(typeof(Migrations.MigrationIndexedEffect), "migration-indexed")]
[JsonDerivedType(typeof(ContactSync.Sync.SyncLinksDroppedEffect), "sync-links-dropped")]
public abstract record SideEffect;

/// <summary>One audit entry; <paramref name="Changes"/> is the JSON the audit log stores.</summary>
public sealed record AuditRowEffect(
    string Id, string OrgId, DateTimeOffset At, string? UserId, string Action, string TargetType,
    string? Module, string? RecordId, string? Setting, string Changes) : SideEffect;

public sealed record TokenAddedEffect(string Hash, string OrgId, string UserId, DateTimeOffset At) : SideEffect;

/// <summary>Revokes the user's tokens created up to <paramref name="At"/>, so a replay never revokes a later token.</summary>
public sealed record TokensRevokedEffect(string OrgId, string UserId, DateTimeOffset At) : SideEffect;

public sealed record RestoreQueuedEffect(RestoreRow Restore) : SideEffect;

public sealed record RunStartedEffect(RunRequest Run) : SideEffect;

/// <summary>The organization exists and changed at <paramref name="At"/>: its row in the directory the operator's views list.</summary>
public sealed record OrganizationIndexedEffect(string OrgId, string Name, DateTimeOffset At) : SideEffect;
