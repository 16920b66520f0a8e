using System.Collections.Immutable;

namespace CrmActors.Grains.Backups;

/// <summary>
/// <c>manifest.json</c> of a Data ZIP: what was backed up (modules, row counts, the CSV files with
/// their SHA-256), the Attachments ZIP parts, what a backup never holds, and the format version.
/// </summary>
[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties), Immutable, Alias("crm.backup-manifest")]
public sealed record BackupManifest(
    int FormatVersion,
    string OrgId,
    string BackupId,
    DateTimeOffset CreatedAt,
    ImmutableList<ManifestModule> Modules,
    ImmutableList<ManifestFile> Files,
    ManifestAttachments Attachments,
    ImmutableList<string> Excluded,
    string Neutralization)
{
    /// <summary>
    /// What a restore relies on that a hand-edited manifest may lack (the deserializer fills a missing list or name
    /// with null): a sentence naming it, or null when the manifest is whole.
    /// </summary>
    public string? Defect() =>
        Files is null ? "has no \"files\" list"
        : Files.FindIndex(f => f?.Name is null || f.Kind is null || f.Sha256 is null) is var file and >= 0 ? $"files[{file}] lacks its name, kind or sha256"
        : Modules is null ? "has no \"modules\" list"
        : Modules.FindIndex(m => m?.Name is null || m.Files is null || m.Fields is null || m.Fields.Any(f => f?.Name is null || f.Type is null)) is var module and >= 0
            ? $"modules[{module}] lacks its name, files or fields (each field with a name and type)"
        : null;

    public const string NeutralizationRule =
        "A cell that begins with = + - @ tab or carriage return, after any leading apostrophes, gets one more leading apostrophe; a restore removes it.";
}

/// <summary>A backed-up module: its row count, its CSV files in order, and its fields as they were.</summary>
[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties), Immutable, Alias("crm.manifest-module")]
public sealed record ManifestModule(string Name, long Rows, ImmutableList<string> Files, ImmutableList<ManifestField> Fields);

[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties), Immutable, Alias("crm.manifest-field")]
public sealed record ManifestField(string Name, string Type, string? LookupModule);

/// <summary>One entry of the Data ZIP: <see cref="Kind"/> "records" (a module's CSV) or "files" (the record-to-file links).</summary>
[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties), Immutable, Alias("crm.manifest-file")]
public sealed record ManifestFile(string Name, string Kind, string? Module, long Rows, long Bytes, string Sha256, string Part);

[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties), Immutable, Alias("crm.manifest-attachments")]
public sealed record ManifestAttachments(long Count, long Bytes, ImmutableList<ManifestPart> Parts, ImmutableList<string> Missing);

[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties), Immutable, Alias("crm.manifest-part")]
public sealed record ManifestPart(string Name, long Size, string Sha256);
