using CrmActors.Grains.Blobs;

namespace CrmActors.Tests.Blobs;

public sealed class FileSystemBlobStoreTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("crm-blobs-").FullName;

    [Fact]
    public async Task FoldersNamesEveryRunFolderEvenOneLeftEmptyByAWriterKilledAsItCommitted()
    {
        var blobs = new FileSystemBlobStore(_root);
        await using (var writer = blobs.Create("backups/b1/run-a/Data_001.zip"))
        {
            await writer.Stream.WriteAsync("zip"u8.ToArray());
            await writer.CommitAsync();
        }

        // A writer that never committed leaves no folder; one killed between making the folder and moving its file in
        // leaves an empty one, which List (blobs) cannot show but Folders must.
        await using (var abandoned = blobs.Create("backups/b1/run-b/Data_001.zip"))
        {
            await abandoned.Stream.WriteAsync("partial"u8.ToArray());
        }

        Directory.CreateDirectory(Path.Combine(_root, "backups", "b1", "run-c"));

        Assert.Equal(["backups/b1/run-a/Data_001.zip"], blobs.List("backups/b1"));
        Assert.Equal(["run-a", "run-c"], blobs.Folders("backups/b1").Order());
        Assert.Empty(blobs.Folders("backups/none"));
        blobs.DeleteFolder("backups/b1/run-c");
        Assert.Equal(["run-a"], blobs.Folders("backups/b1"));
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
