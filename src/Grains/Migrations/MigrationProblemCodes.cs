namespace CrmActors.Grains.Migrations;

/// <summary>Stable problem codes of migration refusals (the API's problem <c>type</c> ends in one of these).</summary>
public static class MigrationProblemCodes
{
    public const string InvalidFile = "migration-invalid-file";
    public const string InvalidEncoding = "migration-invalid-encoding";
    public const string MalformedCsv = "migration-malformed-csv";
    public const string UnsafeEntry = "migration-unsafe-entry";
    public const string UnknownModule = "migration-unknown-module";
    public const string DuplicateHeader = "migration-duplicate-header";
    public const string InvalidFileName = "migration-invalid-file-name";
    public const string InvalidMapping = "migration-invalid-mapping";
    public const string InvalidState = "migration-invalid-state";
    public const string LimitExceeded = "migration-limit-exceeded";
    public const string NoFiles = "migration-no-files";
    public const string ChangeWindowClosed = "migration-change-window-closed";
    public const string UploadIncomplete = "migration-upload-incomplete";
}
