using System.Text.Json.Nodes;

namespace CrmActors.Grains.Migrations;

/// <summary>A lookup cell waiting for the ledger: <see cref="Field"/> links to the row of <see cref="Module"/> whose source ID is <see cref="SourceId"/>.</summary>
public sealed record PendingLookup(string Field, string Module, string SourceId);

/// <summary>Why a source row was not migrated: the field (or source column) at fault and a sentence saying what is wrong.</summary>
public sealed record RowError(long Row, string? SourceId, string Field, string Message);

/// <summary>
/// A source row translated to the generic shape: CRM field names with their text values (picklist
/// values already matched to the org's spelling), lookups still as source IDs, and what the run
/// needs besides field values: the agent for the Owner and the source's times (Unix ms).
/// </summary>
public sealed record MappedRow(
    long Row,
    string Module,
    string SourceId,
    IReadOnlyList<string> Columns,
    IReadOnlyList<string?> Cells,
    IReadOnlyList<PendingLookup> Lookups,
    string? AgentEmail,
    string? AgentName,
    long? CreatedAt,
    long? ModifiedAt);

/// <summary>
/// A row ready to write: <see cref="Values"/> are validated stored values in the shape
/// <c>RecordJson.ToRow</c> takes (lookups hold new record IDs). For attachments, Values hold
/// Ticket_Id (the ticket's new ID), File_Name and Path (the file's entry in the ZIP).
/// </summary>
public sealed record MigrationRecord(
    long Row,
    string Module,
    string SourceId,
    JsonObject Values,
    string? AgentEmail,
    string? AgentName,
    long? CreatedAt,
    long? ModifiedAt);
