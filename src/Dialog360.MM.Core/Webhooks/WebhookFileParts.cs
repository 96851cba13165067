using System;
using System.Collections.Generic;
using System.IO;

namespace Dialog360.MM.Core.Webhooks;

/// <summary>
/// Cuts a large file of JSON lines into parts that can be read on several cores at once: each cut falls where one
/// delivery ends and the next begins at the start of a line (<c>}\n{</c>), so every part is itself a valid file of
/// deliveries, and reading one after a damaged line resumes at the part's start (WebhookReader.Resync). A file that
/// starts with an array, or has no such boundary near a cut, is read in one part.
/// </summary>
internal static class WebhookFileParts
{
    /// <summary>Below this, one core reads the file faster than parts can be set up.</summary>
    public const long MinPartBytes = 8 * 1024 * 1024;
    private const int ProbeBytes = 64 * 1024;

    /// <summary>Start and length of each part, in file order.</summary>
    public static IReadOnlyList<(long Start, long Length)> Split(FileStream file, int maxParts, long minPartBytes = MinPartBytes)
    {
        var length = file.Length;
        var parts = (int)Math.Min(maxParts, length / minPartBytes);
        if (parts < 2 || FirstByte(file) != (byte)'{') return new[] { (0L, length) };
        var cuts = new List<long> { 0 };
        for (var i = 1; i < parts; i++)
        {
            var cut = NextBoundary(file, length * i / parts);
            if (cut > cuts[cuts.Count - 1] && cut < length) cuts.Add(cut);
        }
        var result = new List<(long, long)>(cuts.Count);
        for (var i = 0; i < cuts.Count; i++)
            result.Add((cuts[i], (i + 1 < cuts.Count ? cuts[i + 1] : length) - cuts[i]));
        return result;
    }

    /// <summary>Line breaks in [start, start+length): what the lines of a later part are offset by.</summary>
    public static long CountLines(string path, long start, long length)
    {
        using var file = WebhookFile.OpenShared(path);
        file.Position = start;
        var buffer = new byte[ProbeBytes];
        long lines = 0;
        while (length > 0)
        {
            var read = file.Read(buffer, 0, (int)Math.Min(buffer.Length, length));
            if (read == 0) break;
            for (var i = 0; i < read; i++) if (buffer[i] == (byte)'\n') lines++;
            length -= read;
        }
        return lines;
    }

    private static int FirstByte(FileStream file)
    {
        file.Position = 0;
        int b;
        // Skip a UTF-8 byte order mark and blanks.
        while ((b = file.ReadByte()) is 0xEF or 0xBB or 0xBF or (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n') { }
        return b;
    }

    /// <summary>The offset of the first '{' that starts a line right after a line that ended a delivery; -1 if none is near.</summary>
    private static long NextBoundary(FileStream file, long from)
    {
        var buffer = new byte[ProbeBytes];
        file.Position = from;
        var read = file.Read(buffer, 0, buffer.Length);
        for (var i = 1; i + 1 < read; i++)
        {
            if (buffer[i] != (byte)'\n' || buffer[i + 1] != (byte)'{') continue;
            var before = buffer[i - 1] == (byte)'\r' && i >= 2 ? buffer[i - 2] : buffer[i - 1];
            if (before == (byte)'}') return from + i + 1;
        }
        return -1;
    }
}

/// <summary>
/// How one part of a file was read. A part other than the last ends where a line that starts a delivery begins, so a
/// delivery still open at its end was cut short there and reading resumes at that line, as it does in the whole file.
/// A part that ends inside an array cannot be followed by one read on its own: that one starts outside any array.
/// </summary>
internal sealed class WebhookFilePart
{
    public WebhookFilePart(bool moreFollows) => MoreFollows = moreFollows;

    /// <summary>More of the file follows this part, starting with a line that starts a delivery.</summary>
    public bool MoreFollows { get; }

    /// <summary>The part ended inside an array of deliveries that it did not close.</summary>
    public bool EndedInsideArray { get; set; }
}

/// <summary>A read-only window [start, start+length) of a file, as a stream of its own.</summary>
internal sealed class FileSlice : Stream
{
    private readonly FileStream _file;
    private readonly long _start;
    private readonly long _length;

    public FileSlice(FileStream file, long start, long length)
    {
        _file = file;
        _start = start;
        _length = length;
        _file.Position = start;
    }

    public override bool CanRead => true;
    public override bool CanSeek => true;
    public override bool CanWrite => false;
    public override long Length => _length;

    public override long Position
    {
        get => _file.Position - _start;
        set => _file.Position = _start + value;
    }

    public override int Read(byte[] buffer, int offset, int count)
    {
        var left = _length - Position;
        if (left <= 0) return 0;
        return _file.Read(buffer, offset, (int)Math.Min(count, left));
    }

    public override long Seek(long offset, SeekOrigin origin) => Position = origin switch
    {
        SeekOrigin.Begin => offset,
        SeekOrigin.Current => Position + offset,
        _ => _length + offset,
    };

    public override void Flush() { }
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) _file.Dispose();
        base.Dispose(disposing);
    }
}
