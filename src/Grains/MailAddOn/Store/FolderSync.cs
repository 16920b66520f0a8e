using System.Runtime.InteropServices;

namespace CrmActors.Grains.MailAddOn.Store;

/// <summary>
/// fsync of a directory, which makes the renames into it durable. .NET opens no directory as a file, so this
/// calls libc on Unix; on Windows, NTFS journals renames itself and there is nothing to do.
/// </summary>
internal static class FolderSync
{
    private const int ReadOnly = 0;

    public static void Flush(string folder)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var fd = Open(folder, ReadOnly);
        if (fd < 0)
        {
            throw new IOException($"Could not open {folder} to flush it (errno {Marshal.GetLastPInvokeError()}).");
        }

        try
        {
            if (Fsync(fd) != 0)
            {
                throw new IOException($"Could not flush {folder} to disk (errno {Marshal.GetLastPInvokeError()}).");
            }
        }
        finally
        {
            _ = Close(fd);
        }
    }

    // DllImport, not LibraryImport: the generated marshalling of a string needs unsafe code in this project.
    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    private static extern int Open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

    [DllImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static extern int Fsync(int fd);

    [DllImport("libc", EntryPoint = "close", SetLastError = true)]
    private static extern int Close(int fd);
}
