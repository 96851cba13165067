using System;
using System.IO;
using System.Threading.Tasks;
using Dialog360.MM.Core.State;

namespace Dialog360.MM.Core.Tests.State;

/// <summary>A new journal's log whose appends go to a stream the test gives (one that fails the way a full disk does).</summary>
internal sealed class StreamLog : ILineLog, IDisposable
{
    private readonly Stream _stream;

    public StreamLog(string name, Stream stream)
    {
        Name = name;
        _stream = stream;
    }

    public string Name { get; }
    public long Length => 0;
    public byte[] ReadFrom(long offset) => Array.Empty<byte>();

    public Task AppendAsync(byte[] lines)
    {
        lock (_stream)
        {
            _stream.Write(lines, 0, lines.Length);
            _stream.Flush();
        }
        return Task.CompletedTask;
    }

    public void CutTo(long length) { }

    public void Dispose() => _stream.Dispose();
}
