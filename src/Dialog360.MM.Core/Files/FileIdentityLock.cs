using System;
using System.IO;
using System.Runtime.InteropServices;

namespace Dialog360.MM.Core.Files;

/// <summary>
/// A lock on the file itself, whatever name it was reached by: two runs that name one file by a symbolic link, a hard
/// link or through a linked folder meet here. One byte far past the end of the file is locked, so readers and the
/// holder's own appends are never in its way.
/// </summary>
/// <remarks>
/// Linux: an open file description lock (fcntl F_OFD_SETLK, Linux 3.15+). A classic POSIX record lock (what .NET's
/// FileStream.Lock takes there) belongs to the process and is dropped when the process closes any handle of the file,
/// which a journal's own reader or a report over a receiver's file does all the time; an OFD lock belongs to its own
/// handle only. netstandard2.0 has no API for it, hence the one call through libc (struct flock as on every 64-bit
/// Linux). Windows: LockFileEx through FileStream.Lock, which is per handle already. macOS has no OFD locks and .NET no
/// byte-range locks there: only the sidecar lock holds, so a hard link is not recognised (documented).
/// </remarks>
internal static class FileIdentityLock
{
    private const long Offset = 1L << 40;

    /// <summary>The held lock, or null where the OS offers none (macOS; a Linux kernel before 3.15).</summary>
    /// <exception cref="FileLockedException">Another holder has the file; <paramref name="holder"/> says who.</exception>
    public static IDisposable? Take(string path, Func<LockHolder?> holder)
    {
        var linux = RuntimeInformation.IsOSPlatform(OSPlatform.Linux) && Environment.Is64BitProcess;
        var windows = RuntimeInformation.IsOSPlatform(OSPlatform.Windows);
        if (!linux && !windows) return null;
        var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
        try
        {
            if (windows) stream.Lock(Offset, 1);
            else if (!LockOpenFileDescription(stream))
            {
                stream.Dispose();
                return null;
            }
            return stream;
        }
        catch (FileLockedException)
        {
            stream.Dispose();
            throw;
        }
        catch (IOException)
        {
            stream.Dispose();
            throw new FileLockedException(path, holder());
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct Flock
    {
        public short Type;
        public short Whence;
        public long Start;
        public long Length;
        public int Pid;
    }

    [DllImport("libc", EntryPoint = "fcntl", SetLastError = true)]
    private static extern int Fcntl(int fd, int command, ref Flock flock);

    private const int FOfdSetLk = 37;
    private const short FWrLck = 1;
    private const int EAgain = 11, EAccess = 13, EInval = 22;

    /// <returns>False when the kernel has no OFD locks.</returns>
    /// <exception cref="IOException">Another open file description holds the lock.</exception>
    private static bool LockOpenFileDescription(FileStream stream)
    {
        var flock = new Flock { Type = FWrLck, Whence = 0, Start = Offset, Length = 1 };
        var fd = (int)stream.SafeFileHandle.DangerousGetHandle();
        if (Fcntl(fd, FOfdSetLk, ref flock) == 0) return true;
        var errno = Marshal.GetLastWin32Error();
        if (errno == EAgain || errno == EAccess) throw new IOException("The file is locked by another holder.");
        if (errno == EInval) return false;
        throw new IOException($"The file cannot be locked (errno {errno}).");
    }
}
