using System.Collections.Immutable;

namespace CrmActors.Grains.Audit;

/// <summary>One change: who, when, what (a record or a setting), and each changed field's old and new value.</summary>
public sealed record AuditEntry(
    string Id,
    string OrgId,
    DateTimeOffset At,
    string? UserId,
    string Action,
    string TargetType,
    string? Module,
    string? RecordId,
    string? Setting,
    ImmutableList<FieldChange> Changes);

public sealed record FieldChange(string Field, object? Old, object? New);

public static class AuditActions
{
    public const string Create = "create";
    public const string Update = "update";
    public const string Delete = "delete";
    public const string Restore = "restore";
    public const string BulkCreate = "bulk_create";
    public const string Purge = "purge";
}

public static class AuditTargets
{
    public const string Record = "record";
    public const string Setting = "setting";
}
