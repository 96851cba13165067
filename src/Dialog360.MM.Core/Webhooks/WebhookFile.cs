using System;
using System.IO;
using System.Text;

namespace Dialog360.MM.Core.Webhooks;

/// <summary>
/// Opens a stored webhook file for reading. Files are UTF-8 as Meta sends them, but one that passed through Windows
/// PowerShell 5.1 (<c>Get-Content a.jsonl &gt; b.jsonl</c>, or Out-File's default) is UTF-16 with a byte order mark:
/// such a file is read as the UTF-8 it was, line for line, so errors still name the right line.
/// </summary>
public static class WebhookFile
{
    /// <summary>
    /// The file, shared with a writer that may be appending to it (a receiver), as UTF-8 bytes.
    /// </summary>
    /// <exception cref="IOException">The file cannot be opened.</exception>
    /// <exception cref="UnauthorizedAccessException">The file may not be read.</exception>
    public static Stream OpenRead(string path)
    {
        var file = OpenShared(path);
        try
        {
            // A named pipe cannot be looked into and rewound: it is read as it comes, UTF-8.
            return file.CanSeek && IsUtf16(file) ? new Utf16AsUtf8Stream(file) : file;
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The file as bytes, whatever its encoding (cutting a file into parts works on its bytes).
    /// FileShare.ReadWrite: a receiver may be appending to the file while it is read.
    /// </summary>
    internal static FileStream OpenShared(string path) =>
        new(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 64 * 1024, FileOptions.SequentialScan);

    /// <summary>Whether the stream starts with a UTF-16 byte order mark (FF FE or FE FF; UTF-32 LE starts with FF FE too); leaves it at the start.</summary>
    internal static bool IsUtf16(FileStream file)
    {
        var first = file.ReadByte();
        var second = file.ReadByte();
        file.Position = 0;
        return (first, second) is (0xFF, 0xFE) or (0xFE, 0xFF);
    }

    /// <summary>A UTF-16 (or UTF-32) text file read as UTF-8 bytes, without its byte order mark.</summary>
    private sealed class Utf16AsUtf8Stream : Stream
    {
        private readonly StreamReader _reader;
        private readonly Encoder _encoder = new UTF8Encoding(false).GetEncoder();
        private readonly char[] _chars = new char[16 * 1024];
        private readonly byte[] _bytes = new byte[Encoding.UTF8.GetMaxByteCount(16 * 1024)];
        private int _next;
        private int _end;
        private bool _done;

        // The reader takes the byte order mark and picks UTF-16 LE, BE or UTF-32 LE from it. (Its default encoding must
        // have no preamble of its own: the reader would take FF FE as UTF-16's and miss UTF-32's FF FE 00 00.)
        public Utf16AsUtf8Stream(Stream file) => _reader = new StreamReader(file, new UTF8Encoding(false), detectEncodingFromByteOrderMarks: true, 64 * 1024);

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            while (_next == _end)
            {
                if (_done) return 0;
                var chars = _reader.Read(_chars, 0, _chars.Length);
                _done = chars == 0;
                // A surrogate pair cut by the end of a block is held by the encoder until its second half comes.
                _end = _encoder.GetBytes(_chars, 0, chars, _bytes, 0, flush: _done);
                _next = 0;
            }
            var n = Math.Min(count, _end - _next);
            Buffer.BlockCopy(_bytes, _next, buffer, offset, n);
            _next += n;
            return n;
        }

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing) _reader.Dispose();
            base.Dispose(disposing);
        }
    }
}
