namespace CrmActors.Grains.Common;

/// <summary>Names shared by every silo: the grain storage provider and the grain state names.</summary>
public static class StorageNames
{
    /// <summary>The ADO.NET grain storage on the CRM database (SQLite file or PostgreSQL).</summary>
    public const string Crm = "crm";
}
