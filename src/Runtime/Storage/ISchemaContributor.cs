namespace CrmActors.Runtime.Storage;

/// <summary>Idempotent DDL a layer needs; every contributor runs at start-up, in registration order.</summary>
public interface ISchemaContributor
{
    IEnumerable<string> Statements(StorageProvider provider);
}
