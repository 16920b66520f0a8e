using CrmActors.Grains.Backups;

namespace CrmActors.Tests.Backups;

/// <summary>The restore's resume cursor: the records' and the files' parts, saved by their two writers in either order.</summary>
public sealed class RestoreCursorTests
{
    [Fact]
    public void TheRestoreIsDoneOnlyOnceBothWritersAreWhicheverEndsFirst()
    {
        var recordsFirst = RestoreCursor.Start.WithFiles(done: false, 10).WithRecords(done: true, 3, 0);
        Assert.Equal((RestoreCursor.Files, false), (recordsFirst.Phase, recordsFirst.FilesFinished));
        Assert.Equal(RestoreCursor.Done, recordsFirst.WithFiles(done: true, 12).Phase);

        var filesFirst = RestoreCursor.Start.WithFiles(done: true, 12).WithRecords(done: false, 1, 7);
        Assert.Equal((RestoreCursor.Records, true, 1, 7L, 12L), (filesFirst.Phase, filesFirst.FilesFinished, filesFirst.Module, filesFirst.Rows, filesFirst.FileRows));
        Assert.Equal(RestoreCursor.Done, filesFirst.WithRecords(done: true, 3, 0).Phase);
    }

    [Fact]
    public void ACursorSavedWhenFilesFollowedRecordsResumesWithTheFileRowsItHad()
    {
        // Saved by a build that wrote the files after the records: phase "files", the file rows done in "rows".
        var resumed = RestoreCursor.Parse("""{"phase":"files","module":3,"rows":40,"seq":5}""");
        Assert.Equal((true, false, 40L, 5L), (resumed.RecordsDone, resumed.FilesFinished, resumed.FileRows, resumed.Seq));
        Assert.True(RestoreCursor.Parse("""{"phase":"done","module":3,"rows":41,"seq":5}""").FilesFinished);
        Assert.Equal(RestoreCursor.Start, RestoreCursor.Parse(null));
    }
}
