using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Text.Json;

namespace Dialog360.MM.Core.Files;

/// <summary>
/// Holds a file for one writer at a time, across processes and runspaces, on every OS: a journal or a webhook file
/// written by two runs at once loses lines (on Linux and macOS <see cref="FileShare"/> is only advisory, so two append
/// streams overwrite each other). Two locks, taken in turn:
/// <list type="bullet">
/// <item>on the file itself (<see cref="FileIdentityLock"/>), so that every name of the file locks the same thing: a
/// symbolic link, a hard link or a folder reached through a link all end at one file;</item>
/// <item>on a sidecar <c>&lt;path&gt;.lock</c> beside the link's final target, a byte-range lock past the end of the holder's
/// details (host, process id, start time, purpose), which stay readable for the error a second writer gets.</item>
/// </list>
/// The operating system drops both when their process dies, so a lock left by a killed run is free again and is taken
/// over; its stale details are reported as <see cref="TakenOverFrom"/>. The sidecar is emptied on release.
/// </summary>
/// <remarks>
/// The sidecar's byte-range lock is a POSIX record lock on Linux (honoured between processes, not within one: hence the
/// in-process table, keyed by the link's final target; and the sidecar is never opened elsewhere, since closing any
/// handle of a file drops a process's POSIX locks on it) and LockFileEx on Windows. .NET does not offer byte-range
/// locks on macOS; there the sidecar is opened with <see cref="FileShare.None"/>, which .NET turns into flock(LOCK_EX),
/// and the holder's details cannot be read while it runs.
/// </remarks>
public sealed class FileLock : IRunLock
{
    // Far past any holder record: locking it never blocks a reader of the record (Windows locks are mandatory).
    private const long LockOffset = 1L << 40;
    private static readonly Dictionary<string, LockHolder> HeldHere = new(PathComparer);
    private readonly FileStream _record;
    private readonly IDisposable? _locked;
    private bool _disposed;

    private FileLock(string path, FileStream record, IDisposable? locked, LockHolder holder, LockHolder? takenOverFrom)
    {
        Path = path;
        _record = record;
        _locked = locked;
        Holder = holder;
        TakenOverFrom = takenOverFrom;
    }

    /// <summary>The file this lock protects (the final target of any link; not the sidecar).</summary>
    public string Path { get; }

    public string LockPath => Path + ".lock";

    /// <summary>This run, as a second writer would read it.</summary>
    public LockHolder Holder { get; }

    /// <summary>The details a run that ended without releasing (a killed process) left behind; null after a clean release.</summary>
    public LockHolder? TakenOverFrom { get; }

    private static StringComparer PathComparer =>
        Environment.OSVersion.Platform == PlatformID.Win32NT ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal;

    /// <exception cref="FileLockedException">Another run, in this process or another, holds it.</exception>
    /// <exception cref="IOException">The sidecar cannot be created (folder missing, no permission: UnauthorizedAccessException).</exception>
    public static FileLock Acquire(string path, string purpose)
    {
        var full = FinalTarget(System.IO.Path.GetFullPath(path));
        var holder = LockHolder.ForThisProcess(purpose);
        lock (HeldHere)
        {
            if (HeldHere.TryGetValue(full, out var here)) throw new FileLockedException(full, here);
            HeldHere[full] = holder;
        }
        try
        {
            var locked = FileIdentityLock.Take(full, () => ReadHolderOf(full + ".lock"));
            FileStream record;
            LockHolder? previous;
            try { (record, previous) = LockSidecar(full + ".lock"); }
            catch
            {
                locked?.Dispose();
                throw;
            }
            try
            {
                WriteHolder(record, holder);
            }
            catch
            {
                record.Dispose();
                locked?.Dispose();
                throw;
            }
            return new FileLock(full, record, locked, holder, previous);
        }
        catch
        {
            lock (HeldHere) HeldHere.Remove(full);
            throw;
        }
    }

    private static (FileStream Stream, LockHolder? Previous) LockSidecar(string lockPath)
    {
        var stream = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
        try
        {
            stream.Lock(LockOffset, 1);
        }
        catch (PlatformNotSupportedException)
        {
            stream.Dispose();
            return LockSidecarExclusively(lockPath);
        }
        catch (IOException)
        {
            stream.Dispose();
            throw new FileLockedException(lockPath.Substring(0, lockPath.Length - 5), ReadHolderOf(lockPath));
        }
        catch
        {
            stream.Dispose();
            throw;
        }
        return (stream, ReadHolder(stream));
    }

    /// <summary>
    /// The details of the run that holds a file. The holder writes them just after taking the lock: a run that starts
    /// at the same moment may look in between, so it gives the record a moment to appear before reporting a holder
    /// without details.
    /// </summary>
    private static LockHolder? ReadHolderOf(string lockPath)
    {
        try
        {
            using var stream = new FileStream(lockPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            var holder = ReadHolder(stream);
            for (var i = 0; holder is null && i < 20; i++)
            {
                System.Threading.Thread.Sleep(25);
                holder = ReadHolder(stream);
            }
            return holder;
        }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
    }

    /// <summary>
    /// Where a path really leads: the final target of a symbolic link (through links to links), so that the in-process
    /// table and the holder's record are one for every name. netstandard2.0 has no API for it; on .NET 6+ (PowerShell 7)
    /// File.ResolveLinkTarget does it, on Windows PowerShell 5.1 the path stays as given (the lock on the file itself
    /// still holds between processes).
    /// </summary>
    private static string FinalTarget(string path)
    {
        if (ResolveLinkTarget is null) return path;
        try
        {
            return ResolveLinkTarget.Invoke(null, new object[] { path, true }) is FileSystemInfo target ? System.IO.Path.GetFullPath(target.FullName) : path;
        }
        catch (System.Reflection.TargetInvocationException) { return path; } // a broken link: the path as given
    }

    private static readonly System.Reflection.MethodInfo? ResolveLinkTarget =
        typeof(File).GetMethod("ResolveLinkTarget", new[] { typeof(string), typeof(bool) });

    // macOS: no byte-range locks in .NET; flock through FileShare.None, at the price of an unreadable record.
    private static (FileStream, LockHolder?) LockSidecarExclusively(string lockPath)
    {
        FileStream stream;
        try { stream = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None); }
        catch (IOException) when (File.Exists(lockPath))
        {
            throw new FileLockedException(lockPath.Substring(0, lockPath.Length - 5), null);
        }
        return (stream, ReadHolder(stream));
    }

    private static LockHolder? ReadHolder(FileStream stream)
    {
        try
        {
            if (stream.Length == 0 || stream.Length > 4096) return null;
            var bytes = new byte[stream.Length];
            stream.Position = 0;
            var read = 0;
            while (read < bytes.Length)
            {
                var n = stream.Read(bytes, read, bytes.Length - read);
                if (n == 0) break;
                read += n;
            }
            return LockHolder.Parse(bytes, read);
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static void WriteHolder(FileStream stream, LockHolder holder)
    {
        var bytes = holder.ToJson();
        stream.SetLength(0);
        stream.Position = 0;
        stream.Write(bytes, 0, bytes.Length);
        stream.Flush(true);
    }

    /// <summary>Empties the record (a clean end), then drops the lock. A full disk or a lost handle cannot keep it held.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        try { _record.SetLength(0); _record.Flush(true); }
        catch (IOException) { } // the lock still goes with the handle; a stale record is only reported, never trusted
        try { _record.Dispose(); }
        catch (IOException) { }
        try { _locked?.Dispose(); }
        catch (IOException) { }
        lock (HeldHere) HeldHere.Remove(Path);
    }
}

/// <summary>Held by one run at a time: a file's lock, or a storage lease. Released on Dispose, and by the OS or the
/// store when its holder dies.</summary>
public interface IRunLock : IDisposable
{
    /// <summary>The details a run that ended without releasing (a killed process) left behind; null after a clean release.</summary>
    LockHolder? TakenOverFrom { get; }
}

/// <summary>Who holds (or held) a <see cref="FileLock"/>.</summary>
public sealed class LockHolder
{
    public LockHolder(string host, int processId, DateTimeOffset startedAt, string purpose)
    {
        Host = host;
        ProcessId = processId;
        StartedAt = startedAt;
        Purpose = purpose;
    }

    public string Host { get; }
    public int ProcessId { get; }
    public DateTimeOffset StartedAt { get; }
    public string Purpose { get; }

    internal static LockHolder ForThisProcess(string purpose)
    {
        using var process = Process.GetCurrentProcess();
        return new LockHolder(Environment.MachineName, process.Id, DateTimeOffset.Now, purpose);
    }

    internal byte[] ToJson()
    {
        using var buffer = new MemoryStream(160);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("host", Host);
            w.WriteNumber("processId", ProcessId);
            w.WriteString("startedAt", StartedAt);
            w.WriteString("purpose", Purpose);
            w.WriteEndObject();
        }
        return buffer.ToArray();
    }

    internal static LockHolder? Parse(byte[] bytes, int length)
    {
        try
        {
            using var doc = JsonDocument.Parse(new ReadOnlyMemory<byte>(bytes, 0, length));
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return null;
            return new LockHolder(
                root.TryGetProperty("host", out var h) && h.ValueKind == JsonValueKind.String ? h.GetString()! : "?",
                root.TryGetProperty("processId", out var p) && p.TryGetInt32(out var pid) ? pid : 0,
                root.TryGetProperty("startedAt", out var s) && s.ValueKind == JsonValueKind.String && s.TryGetDateTimeOffset(out var at) ? at : default,
                root.TryGetProperty("purpose", out var u) && u.ValueKind == JsonValueKind.String ? u.GetString()! : "?");
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public override string ToString() =>
        $"{Purpose} on host {Host}, process {ProcessId}, started {StartedAt.ToString("yyyy-MM-dd HH:mm:ss zzz", System.Globalization.CultureInfo.InvariantCulture)}";
}

/// <summary>Another run holds the file. <see cref="Holder"/> is null where the OS hides it (macOS) or the record was unreadable.</summary>
public sealed class FileLockedException : IOException
{
    public FileLockedException(string path, LockHolder? holder)
        : base(holder is null
            ? $"'{path}' is in use by another run (its details are in '{path}.lock' but cannot be read while it runs)."
            : $"'{path}' is in use by another run: {holder}.")
    {
        Path = path;
        Holder = holder;
    }

    /// <summary>The same refusal with a sentence more: what the caller knows of what to do, or of what was not done.</summary>
    public FileLockedException(FileLockedException cause, string more)
        : base(cause.Message + " " + more, cause)
    {
        Path = cause.Path;
        Holder = cause.Holder;
    }

    public string Path { get; }
    public LockHolder? Holder { get; }
}
