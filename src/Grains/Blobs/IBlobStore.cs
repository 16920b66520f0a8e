namespace CrmActors.Grains.Blobs;

/// <summary>
/// Files addressed by relative paths ("orgs/{org}/attachments/{id}"). Writes go to a temporary file
/// that becomes visible only when committed, so a reader never sees a half-written blob.
/// </summary>
public interface IBlobStore
{
    /// <summary>Starts a new blob; nothing is visible at <paramref name="path"/> until <see cref="BlobWriter.CommitAsync"/>.</summary>
    BlobWriter Create(string path);

    Stream OpenRead(string path);

    bool Exists(string path);

    long Length(string path);

    void Delete(string path);

    /// <summary>Deletes every blob under a folder path.</summary>
    void DeleteFolder(string path);

    IEnumerable<string> List(string folder);

    /// <summary>The names of the folders directly under <paramref name="folder"/>, including any whose blobs never committed.</summary>
    IEnumerable<string> Folders(string folder);

    /// <summary>Deletes temporary files of writes abandoned longer ago than <paramref name="olderThan"/> (a killed writer leaves one).</summary>
    int DeleteAbandonedWrites(TimeSpan olderThan);
}
