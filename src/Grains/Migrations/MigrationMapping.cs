using CrmActors.Grains.Organizations;

namespace CrmActors.Grains.Migrations;

/// <summary>
/// A job's mapping: its source system's format with the job's own per-module <c>fieldMap</c>
/// (source column → CRM field, or "" to ignore a column) and value maps (field → source value →
/// CRM value) laid over the preset.
/// </summary>
public sealed class MigrationMapping
{
    private readonly Dictionary<string, ModuleFormat> _modules = [];

    public MigrationMapping(
        string sourceSystem,
        IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>>? fieldMap = null,
        IReadOnlyDictionary<string, IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>>>? valueMap = null)
    {
        Format = SourceFormats.Require(sourceSystem);
        foreach (var name in (fieldMap?.Keys ?? []).Concat(valueMap?.Keys ?? []))
        {
            MigrationModules.Require(name, "The job's fieldMap");
        }

        foreach (var module in MigrationModules.Order)
        {
            _modules[module] = Format.For(module).With(
                fieldMap?.FirstOrDefault(m => MigrationModules.Find(m.Key) == module).Value,
                valueMap?.FirstOrDefault(m => MigrationModules.Find(m.Key) == module).Value);
        }
    }

    public SourceFormat Format { get; }

    public ModuleFormat For(string module) => _modules[module];

    /// <summary>The plan of a file of <paramref name="module"/> whose CRM module is <paramref name="definition"/> (attachments: <see cref="MigrationModules.AttachmentsDefinition"/>).</summary>
    public ModuleColumnPlan Plan(string fileLabel, string module, ModuleDefinition definition, IReadOnlyList<string> header) =>
        ModuleColumnPlan.Create(fileLabel, module, definition, For(module), header);
}
