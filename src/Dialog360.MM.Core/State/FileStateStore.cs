using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Dialog360.MM.Core.Files;

namespace Dialog360.MM.Core.State;

/// <summary>State in files on this machine: the default, and every name is a path.</summary>
public sealed class FileStateStore : IStateStore
{
    public static readonly FileStateStore Instance = new();

    /// <param name="writerLockTimeout">How long a list writer waits for another writer (a campaign or an
    /// Add-MMSuppression) to finish its batch: five seconds unless told otherwise.</param>
    public FileStateStore(TimeSpan? writerLockTimeout = null) => WriterLockTimeout = writerLockTimeout ?? TimeSpan.FromSeconds(5);

    public TimeSpan WriterLockTimeout { get; }

    public string Description => "files";

    public (ILineLog Log, IRunLock RunLock) TakeJournal(string name, string purpose, bool readOnly)
    {
        var held = FileLock.Acquire(name, purpose);
        try { return (new FileLineLog(held.Path, keepOpen: !readOnly), held); }
        catch
        {
            held.Dispose();
            throw;
        }
    }

    public bool JournalExists(string name) => File.Exists(name);

    public ILineLog ReadJournal(string name) => new FileLineLog(name, keepOpen: false);

    public string? NameProblem(string name) => null;

    public (ILineLog Log, Func<IDisposable>? WriterLock) SuppressionList(string name)
    {
        var path = Path.GetFullPath(name);
        return (new FileLineLog(path, keepOpen: false), () => LockForBatch(path));
    }

    /// <summary>Batches take milliseconds: a writer waits a few seconds for another, retrying with a jittered sleep.</summary>
    private IDisposable LockForBatch(string path)
    {
        var deadline = Environment.TickCount + (int)WriterLockTimeout.TotalMilliseconds;
        while (true)
        {
            try { return FileLock.Acquire(path, SuppressionListPurpose); }
            catch (FileLockedException) when (Environment.TickCount - deadline < 0)
            {
                Thread.Sleep(5 + (Environment.TickCount & 15));
            }
        }
    }

    /// <summary>What a list writer's lock record says it is doing.</summary>
    public const string SuppressionListPurpose = "suppression list update";
}

/// <summary>
/// A file of JSON lines. A journal keeps its file open for the run (one write and a flush per line, so a line is whole
/// in the file or absent); a list opens it per batch.
/// </summary>
internal sealed class FileLineLog : ILineLog, IDisposable
{
    private readonly object _gate = new();
    private readonly bool _keepOpen;
    private FileStream? _append;

    public FileLineLog(string path, bool keepOpen)
    {
        Name = path;
        _keepOpen = keepOpen;
    }

    public string Name { get; }

    public long Length
    {
        get
        {
            var file = new FileInfo(Name);
            return file.Exists ? file.Length : 0;
        }
    }

    public byte[] ReadFrom(long offset)
    {
        if (!File.Exists(Name)) return Array.Empty<byte>();
        using var stream = new FileStream(Name, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        var length = stream.Length - offset;
        if (length <= 0) return Array.Empty<byte>();
        var bytes = new byte[length];
        stream.Position = offset;
        var read = 0;
        while (read < bytes.Length)
        {
            var n = stream.Read(bytes, read, bytes.Length - read);
            if (n == 0) break;
            read += n;
        }
        if (read < bytes.Length) Array.Resize(ref bytes, read);
        return bytes;
    }

    /// <summary>Written before it returns: a file's write and flush take microseconds, not worth a thread hop.</summary>
    public Task AppendAsync(byte[] lines)
    {
        try
        {
            Append(lines);
            return Task.CompletedTask;
        }
        catch (Exception ex)
        {
            return Task.FromException(ex);
        }
    }

    private void Append(byte[] lines)
    {
        lock (_gate)
        {
            // Writers share the file with the lock's handle (see FileLock).
            var stream = _append ?? new FileStream(Name, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete, 4096);
            try
            {
                // One write and a flush: the batch is whole in the file, or cut off and then ignored.
                stream.Write(lines, 0, lines.Length);
                stream.Flush();
            }
            finally
            {
                if (_keepOpen) _append = stream;
                else stream.Dispose();
            }
        }
    }

    public void CutTo(long length)
    {
        lock (_gate)
        {
            using var stream = new FileStream(Name, FileMode.Open, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
            if (stream.Length > length) stream.SetLength(length);
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            try { _append?.Dispose(); }
            finally { _append = null; }
        }
    }
}
