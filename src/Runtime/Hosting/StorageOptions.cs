namespace CrmActors.Runtime.Hosting;

/// <summary>Where state lives (<c>Storage:*</c>, <c>ConnectionStrings:Crm</c>, <c>Blobs:Root</c>).</summary>
public sealed class StorageOptions
{
    public string Provider { get; set; } = "sqlite";

    public string DataDirectory { get; set; } = "./data";

    public string? ConnectionString { get; set; }

    public string? BlobRoot { get; set; }

    public string ResolvedBlobRoot => BlobRoot ?? Path.Combine(DataDirectory, "blobs");
}
