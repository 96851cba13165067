using System;
using System.Collections.Generic;
using System.IO;
using System.Text.Json;
using System.Runtime.CompilerServices;
using System.Threading;

namespace Dialog360.MM.Core.Webhooks;

/// <summary>
/// Reads webhook deliveries from a stream one at a time: a single delivery, a JSON array of deliveries, or JSON lines
/// (recognised per value, so a file may even mix them). Only one delivery is in memory at a time, so memory stays flat
/// however large the file is. Broken JSON is reported with its line through the error callback, and reading resumes
/// at the next line that starts a delivery at the same indentation. So is a delivery that is not valid UTF-8, and one
/// larger than the maximum delivery size, which is skipped without being held in memory.
/// </summary>
public sealed class WebhookReader
{
    /// <summary>The default largest delivery read: Meta batches at most a few hundred KB into one delivery.</summary>
    public const int DefaultMaxDeliveryBytes = 4 * 1024 * 1024;
    private const int InitialBufferSize = 64 * 1024;
    private readonly int _maxDeliveryBytes;
    private readonly DeliveryBatch _batch;
    private readonly IStatusSink? _statuses;
    private readonly CancellationToken _cancel;
    // Where _buffer[0] is in the stream, and how far from the current position no line break can come: a file on one
    // long line (deliveries back to back, or an array) is searched for a line break once, not once per delivery.
    private long _bufferOffset;
    private long _noLineBreakUntil;
    private readonly Stream _stream;
    private readonly string _source;
    private readonly Action<WebhookReadError> _onError;
    private byte[] _buffer;
    private int _start;
    private int _end;
    private bool _eof;
    private bool _firstRead = true;
    private long _line = 1;
    private bool _inArray;
    // Whether only blanks precede the current position on its line, and how many: the resync point after an error.
    private bool _atLineStart = true;
    private int _indent;

    private WebhookReader(Stream stream, string source, Action<WebhookReadError> onError, int maxDeliveryBytes, IStatusSink? statuses,
        CancellationToken cancel)
    {
        _statuses = statuses;
        _cancel = cancel;
        _batch = new DeliveryBatch(statusRecords: statuses != null);
        if (maxDeliveryBytes < 1) throw new ArgumentOutOfRangeException(nameof(maxDeliveryBytes), "The maximum delivery size must be at least one byte.");
        _maxDeliveryBytes = maxDeliveryBytes;
        _stream = stream;
        _source = source;
        _onError = onError;
        // Short inputs (one delivery piped in as a string, of many) get a buffer their size, not 64 KB each;
        // one spare byte lets the read that finds the end happen without growing the buffer.
        var size = stream.CanSeek ? Math.Min(InitialBufferSize, Math.Max(16L, stream.Length - stream.Position + 1)) : InitialBufferSize;
        _buffer = new byte[size];
    }

    /// <summary>
    /// The events in <paramref name="stream"/>, in order; problems go to <paramref name="onError"/> (called on the
    /// enumerating thread). A delivery longer than <paramref name="maxDeliveryBytes"/> is reported and skipped.
    /// </summary>
    public static IEnumerable<MMWebhookEvent> Read(Stream stream, string source, Action<WebhookReadError> onError,
        CancellationToken cancel = default, int maxDeliveryBytes = DefaultMaxDeliveryBytes) =>
        Read(stream, source, onError, null, cancel, maxDeliveryBytes);

    /// <summary>
    /// As <see cref="Read(Stream, string, Action{WebhookReadError}, CancellationToken, int)"/>, but each delivery's
    /// statuses go to <paramref name="statuses"/> as records, when it is given, and only the other events are returned.
    /// </summary>
    internal static IEnumerable<MMWebhookEvent> Read(Stream stream, string source, Action<WebhookReadError> onError, IStatusSink? statuses,
        CancellationToken cancel = default, int maxDeliveryBytes = DefaultMaxDeliveryBytes)
    {
        var reader = new WebhookReader(stream, source, onError, maxDeliveryBytes, statuses, cancel);
        var events = reader._batch.Events;
        while (reader.NextDelivery())
        {
            foreach (var e in events) yield return e;
            events.Clear();
        }
    }

    /// <summary>
    /// Reads deliveries until one has events for the caller (in _batch.Events); false at the end of the stream. A file of
    /// statuses folded by a sink may never return before its end, so cancellation is checked here, per delivery.
    /// </summary>
    [MethodImpl(JitHints.AggressiveOptimization)]
    private bool NextDelivery()
    {
        var output = _batch.Events;
        while (true)
        {
            _cancel.ThrowIfCancellationRequested();
            if (!SkipSeparators()) return false;
            var b = _buffer[_start];
            if (!_inArray && b == (byte)'[') { _inArray = true; Advance(1); _atLineStart = false; continue; }
            if (_inArray && b == (byte)']') { _inArray = false; Advance(1); _atLineStart = false; continue; }

            var valueLine = _line;
            var valueIndent = _atLineStart ? _indent : -1;
            if (TryParseLine(valueLine))
            {
                _atLineStart = false;
                if (output.Count > 0) return true;
                continue;
            }
            int length;
            try
            {
                length = FrameValue();
            }
            catch (JsonException ex)
            {
                Report(valueLine + (ex.LineNumber ?? 0),
                    IsCutShort() ? "The file ends in the middle of this delivery: a receiver may still be appending to it (read it again later), or its writer stopped mid-line." : ReaderMessage(ex),
                    WebhookReadProblem.MalformedJson);
                Resync(valueIndent);
                continue;
            }
            if (length < 0)
            {
                Report(valueLine, $"The delivery is larger than the maximum delivery size ({_maxDeliveryBytes:N0} bytes); it was skipped.", WebhookReadProblem.TooLarge);
                Resync(valueIndent);
                continue;
            }

            if (!Utf8Validation.IsValid(_buffer, _start, length))
            {
                Report(valueLine, "The delivery is not valid UTF-8 text.", WebhookReadProblem.MalformedJson);
            }
            else
            {
                try
                {
                    var delivery = new ReadOnlySpan<byte>(_buffer, _start, length);
                    DeliveryParser.Parse(delivery, _batch);
                    Parsed(delivery, valueLine);
                }
                catch (NotADeliveryException ex)
                {
                    Report(valueLine, ex.Message, WebhookReadProblem.NotADelivery);
                }
                catch (JsonException ex)
                {
                    // Framing found valid JSON and the parser agrees with it (differential tests); should they ever
                    // disagree, the delivery is reported rather than end the read.
                    _batch.Clear();
                    Report(valueLine, ReaderMessage(ex), WebhookReadProblem.MalformedJson);
                }
            }
            Advance(length);
            _atLineStart = false;
            if (output.Count > 0) return true;
        }
    }

    /// <summary>
    /// JSON lines, the common case: a delivery that is whole on its line is parsed at once, without framing it first
    /// (a second full pass over the JSON); a line cut by the end of the buffer is read to its end first. Anything else
    /// (a delivery over several lines, a line longer than the maximum delivery, broken JSON, bad UTF-8) returns false
    /// with nothing added, and takes the framing path, which reports problems precisely.
    /// </summary>
    [MethodImpl(JitHints.AggressiveOptimization)]
    private bool TryParseLine(long line)
    {
        if (_buffer[_start] != (byte)'{' || _bufferOffset + _start < _noLineBreakUntil) return false;
        int lineLength;
        var searched = 0;
        while (true)
        {
            var at = new ReadOnlySpan<byte>(_buffer, _start + searched, _end - _start - searched).IndexOf((byte)'\n');
            if (at >= 0)
            {
                lineLength = searched + at;
                break;
            }
            searched = _end - _start;
            if (_eof)
            {
                lineLength = searched;
                break;
            }
            if (searched >= _maxDeliveryBytes)
            {
                _noLineBreakUntil = _bufferOffset + _end;
                return false;
            }
            Fill();
        }
        var available = new ReadOnlySpan<byte>(_buffer, _start, _end - _start);
        if (lineLength > _maxDeliveryBytes || !Utf8Validation.IsValid(_buffer, _start, lineLength)) return false;
        int length;
        try
        {
            length = DeliveryParser.Parse(available.Slice(0, lineLength), _batch);
        }
        catch (JsonException)
        {
            _batch.Clear();
            return false;
        }
        Parsed(available.Slice(0, length), line);
        Advance(length);
        return true;
    }

    /// <summary>The length of the complete JSON value at _start, reading more of the stream as needed; -1 when it is longer than the maximum.</summary>
    [MethodImpl(JitHints.AggressiveOptimization)]
    private int FrameValue()
    {
        while (true)
        {
            var reader = new Utf8JsonReader(new ReadOnlySpan<byte>(_buffer, _start, _end - _start), _eof, default);
            if (reader.Read())
            {
                var complete = reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray ? reader.TrySkip() : true;
                // Larger than the maximum yet already in the buffer (read whole from a small file): the same answer either way.
                if (complete) return reader.BytesConsumed > _maxDeliveryBytes ? -1 : (int)reader.BytesConsumed;
            }
            // Incomplete and no more input: the final-block reader has already thrown; this is belt and braces.
            if (_eof) throw new JsonException("The JSON ends before the delivery is complete.", null, 0, null);
            // Stop before holding more than the maximum: the rest of the delivery is skipped line by line, unbuffered.
            if (_end - _start >= _maxDeliveryBytes) return -1;
            Fill();
        }
    }

    /// <summary>
    /// Whether the value at _start is the last line, without its line break, and sound as far as it goes: most often a
    /// receiver still appending to the file. A last line with a mistake in it is broken, not cut short.
    /// </summary>
    private bool IsCutShort()
    {
        var rest = new ReadOnlySpan<byte>(_buffer, _start, _end - _start);
        if (!_eof || rest.IndexOf((byte)'\n') >= 0) return false;
        var reader = new Utf8JsonReader(rest, isFinalBlock: false, state: default);
        try
        {
            return !reader.Read() || ((reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray) && !reader.TrySkip());
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>Skips blanks, line breaks, a UTF-8 BOM and (inside an array) commas; false at the end of the stream.</summary>
    [MethodImpl(JitHints.AggressiveOptimization)]
    private bool SkipSeparators()
    {
        while (true)
        {
            if (_start == _end)
            {
                if (_eof) return false;
                Fill();
                continue;
            }
            if (_firstRead)
            {
                if (_end - _start < 3 && !_eof) { Fill(); continue; }
                _firstRead = false;
                if (_end - _start >= 3 && _buffer[_start] == 0xEF && _buffer[_start + 1] == 0xBB && _buffer[_start + 2] == 0xBF) _start += 3;
                continue;
            }
            switch (_buffer[_start])
            {
                case (byte)'\n': _line++; _atLineStart = true; _indent = 0; break;
                case (byte)' ':
                case (byte)'\t': if (_atLineStart) _indent++; break;
                case (byte)'\r': break;
                case (byte)',' when _inArray: _atLineStart = false; break;
                default: return true;
            }
            _start++;
        }
    }

    /// <summary>
    /// After broken JSON: skip to the next line that starts, at the broken value's indentation, with '{' (or '[' outside
    /// an array). For JSON lines that is the next line; a broken value that did not start its line ends the stream.
    /// </summary>
    private void Resync(int indent)
    {
        while (true)
        {
            if (indent < 0 || !SkipLine()) { _start = _end; _eof = true; return; }
            var blanks = 0;
            while (true)
            {
                if (_start + blanks >= _end)
                {
                    if (_eof) { _start = _end; return; }
                    Fill();
                    continue;
                }
                var c = _buffer[_start + blanks];
                if (c != (byte)' ' && c != (byte)'\t') break;
                blanks++;
            }
            var first = _buffer[_start + blanks];
            if (blanks == indent && (first == (byte)'{' || (first == (byte)'[' && !_inArray)))
            {
                _start += blanks;
                _atLineStart = true;
                _indent = blanks;
                return;
            }
        }
    }

    /// <summary>Moves past the next line break; false when the stream ends first.</summary>
    private bool SkipLine()
    {
        while (true)
        {
            var at = new ReadOnlySpan<byte>(_buffer, _start, _end - _start).IndexOf((byte)'\n');
            if (at >= 0)
            {
                _start += at + 1;
                _line++;
                return true;
            }
            _start = _end;
            if (_eof) return false;
            Fill();
        }
    }

    /// <summary>
    /// A delivery is read whole: its events are stamped with where they came from (so each can be traced back to its
    /// line), and its status records go to the sink while the buffer still holds the delivery they point into.
    /// </summary>
    [MethodImpl(JitHints.AggressiveOptimization)]
    private void Parsed(ReadOnlySpan<byte> delivery, long line)
    {
        foreach (var e in _batch.Events)
        {
            e.Source = _source;
            e.Line = line;
        }
        if (_batch.Statuses is { Count: > 0 } statuses)
        {
            _statuses!.Take(delivery, statuses);
            statuses.Clear();
        }
    }

    private void Advance(int count)
    {
        var span = new ReadOnlySpan<byte>(_buffer, _start, count);
        int at;
        while ((at = span.IndexOf((byte)'\n')) >= 0)
        {
            _line++;
            span = span.Slice(at + 1);
        }
        _start += count;
    }

    /// <summary>Reads more of the stream behind what is unread, moving it to the front and growing the buffer when a delivery needs it.</summary>
    [MethodImpl(JitHints.AggressiveOptimization)]
    private void Fill()
    {
        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _bufferOffset += _start;
            _end -= _start;
            _start = 0;
        }
        if (_end == _buffer.Length) Array.Resize(ref _buffer, (int)Math.Min((long)_buffer.Length * 2, Math.Max(_maxDeliveryBytes, _buffer.Length + 1)));
        var read = _stream.Read(_buffer, _end, _buffer.Length - _end);
        if (read == 0) _eof = true;
        _end += read;
    }

    private void Report(long line, string message, WebhookReadProblem problem) => _onError(new WebhookReadError(_source, line, message, problem));

    // Utf8JsonReader's messages end with its own position relative to the delivery; the caller reports the file's line instead.
    private static string ReaderMessage(JsonException ex)
    {
        var message = ex.Message;
        var cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        return cut > 0 ? message.Substring(0, cut) : message;
    }
}
