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
/// at the next line that starts a delivery no deeper than the broken one's line (<see cref="Resync"/>): damage costs
/// the delivery or line it is in, never what comes after it. So is a delivery larger than the maximum delivery size,
/// which is skipped without being held in memory; one that is not valid UTF-8 is skipped alone.
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
    // The open array's line and that line's indentation; whether an error inside it skipped lines (its ']' may have been among them).
    private long _arrayLine;
    private int _arrayIndent;
    private bool _skippedInArray;
    // Whether only blanks precede the current position on its line, and how many blanks begin the current line.
    private bool _atLineStart = true;
    private int _indent;
    private readonly WebhookFilePart? _part;

    private WebhookReader(Stream stream, string source, Action<WebhookReadError> onError, int maxDeliveryBytes, IStatusSink? statuses,
        CancellationToken cancel, WebhookFilePart? part)
    {
        _part = part;
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
    /// <paramref name="part"/>, when given, says the stream is a part of a file (<see cref="WebhookFileParts"/>).
    /// </summary>
    internal static IEnumerable<MMWebhookEvent> Read(Stream stream, string source, Action<WebhookReadError> onError, IStatusSink? statuses,
        CancellationToken cancel = default, int maxDeliveryBytes = DefaultMaxDeliveryBytes, WebhookFilePart? part = null)
    {
        var reader = new WebhookReader(stream, source, onError, maxDeliveryBytes, statuses, cancel, part);
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
            if (!SkipSeparators())
            {
                EndOfInput();
                return false;
            }
            var b = _buffer[_start];
            // A '[' that begins a line no deeper than the open array's own line starts another array: the open one was not closed.
            if (b == (byte)'[' && (!_inArray || (_atLineStart && _indent <= _arrayIndent)))
            {
                if (_inArray && !_skippedInArray)
                    Report(_arrayLine, "The array of deliveries that starts on this line is not closed before the next array starts.", WebhookReadProblem.MalformedJson);
                (_inArray, _arrayLine, _arrayIndent, _skippedInArray) = (true, _line, _indent, false);
                Advance(1);
                _atLineStart = false;
                continue;
            }
            if (_inArray && b == (byte)']') { _inArray = false; Advance(1); _atLineStart = false; continue; }

            var valueLine = _line;
            var valueIndent = _indent;
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
                Broken(valueLine, valueIndent, ex);
                continue;
            }
            if (length < 0)
            {
                var from = _bufferOffset + _start;
                var resumed = Resync(valueIndent);
                // Still open where the next delivery starts, within the maximum: cut short rather than too large.
                if (resumed >= 0 && _bufferOffset + _start - from < _maxDeliveryBytes)
                    Report(valueLine, CutShortByNext, WebhookReadProblem.MalformedJson, null, resumed);
                else
                    Report(valueLine, $"The delivery is larger than the maximum delivery size ({_maxDeliveryBytes:N0} bytes).", WebhookReadProblem.TooLarge, null, resumed);
                continue;
            }

            if (!Utf8Validation.IsValid(_buffer, _start, length))
            {
                Report(valueLine, "The delivery is not valid UTF-8 text; it was skipped.", WebhookReadProblem.MalformedJson);
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

    /// <summary>
    /// The length of the complete JSON value at _start, reading more of the stream as needed; -1 when it is longer than
    /// the maximum. Only the first maximum-size bytes are looked at, however much the buffer holds, so the verdict (and
    /// where an error is found) is the same wherever the buffer happens to end, as it must be for a file read in parts.
    /// </summary>
    [MethodImpl(JitHints.AggressiveOptimization)]
    private int FrameValue()
    {
        while (true)
        {
            var available = _end - _start;
            var final = _eof && available <= _maxDeliveryBytes;
            var reader = new Utf8JsonReader(new ReadOnlySpan<byte>(_buffer, _start, Math.Min(available, _maxDeliveryBytes)), final, default);
            if (reader.Read())
            {
                var complete = reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray ? reader.TrySkip() : true;
                if (complete) return (int)reader.BytesConsumed;
            }
            // Incomplete and no more input: the final-block reader has already thrown; this is belt and braces.
            if (final) throw new JsonException("The JSON ends before the delivery is complete.", null, 0, null);
            // Stop before holding more than the maximum: the rest of the delivery is skipped line by line, unbuffered.
            if (available >= _maxDeliveryBytes) return -1;
            Fill();
        }
    }

    /// <summary>
    /// Reports the broken value at _start, which began on <paramref name="valueLine"/>, and resumes at the next line
    /// that starts a delivery. The error names where the JSON goes wrong; a value that ran into that next line or to the
    /// end of the input, or whose line ends inside a string, number or literal, is called cut short.
    /// </summary>
    private void Broken(long valueLine, int valueIndent, JsonException ex)
    {
        var moreFollows = _part?.MoreFollows == true;
        var incomplete = _eof && IsSoundSoFar();
        // The last line, without its line break and sound as far as it goes: most often a receiver still appending to the file.
        var lastLineCut = incomplete && !moreFollows && new ReadOnlySpan<byte>(_buffer, _start, _end - _start).IndexOf((byte)'\n') < 0;
        // A line break where the JSON goes wrong (whitespace anywhere else): the line ends inside a string, number or
        // literal, as a half line does.
        var cutInValue = !incomplete && ErrorByte(ex) is (byte)'\n' or (byte)'\r';
        var errorLine = valueLine + (ex.LineNumber ?? 0);
        var resumed = Resync(valueIndent);
        if (lastLineCut)
            Report(valueLine, "The file ends in the middle of this delivery: a receiver may still be appending to it (read it again later), or its writer stopped mid-line.", WebhookReadProblem.MalformedJson);
        else if (resumed >= 0 && (incomplete || errorLine >= resumed))
            Report(valueLine, CutShortByNext, WebhookReadProblem.MalformedJson, null, resumed);
        else if (incomplete)
            Report(valueLine, "The input ends before this delivery is complete.", WebhookReadProblem.MalformedJson);
        else
            Report(errorLine, cutInValue ? "The delivery is cut short: its line ends in the middle of a value (its writer may have stopped mid-line)." : ReaderMessage(ex),
                WebhookReadProblem.MalformedJson, errorLine != valueLine ? valueLine : null, resumed);
    }

    private const string CutShortByNext = "The delivery is cut short: the next one starts before it ends (its writer may have stopped mid-line).";

    /// <summary>The byte where the framing of the value at _start went wrong; -1 when the error does not say.</summary>
    private int ErrorByte(JsonException ex)
    {
        if (ex.LineNumber is not long line || ex.BytePositionInLine is not long column) return -1;
        var at = _start;
        for (var l = 0L; l < line; l++)
        {
            var next = new ReadOnlySpan<byte>(_buffer, at, _end - at).IndexOf((byte)'\n');
            if (next < 0) return -1;
            at += next + 1;
        }
        return column < _end - at ? _buffer[at + column] : -1;
    }

    /// <summary>
    /// At the end of the input: an array still open is reported, unless an error inside it skipped lines that may have
    /// closed it. A part of a file that ends inside an array says so instead: the next part, read on its own, starts outside one.
    /// </summary>
    private void EndOfInput()
    {
        if (!_inArray) return;
        _inArray = false;
        if (_part?.MoreFollows == true) _part.EndedInsideArray = true;
        else if (!_skippedInArray) Report(_arrayLine, "The array of deliveries that starts on this line is not closed: the input ends before its ']'.", WebhookReadProblem.MalformedJson);
    }

    /// <summary>
    /// Whether the value at _start, which reaches the end of the input, is sound as far as it goes: cut short, not wrong.
    /// </summary>
    private bool IsSoundSoFar()
    {
        var rest = new ReadOnlySpan<byte>(_buffer, _start, _end - _start);
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
    /// After a broken or oversized value that began on a line of <paramref name="indent"/> blanks: skips to the next line
    /// that begins, no deeper, with '{' or '[' (or ']' inside an array). In JSON lines that is the next line; in a
    /// pretty-printed file the next delivery at the same level, since a delivery's own lines are deeper. Every line a
    /// later part of the file starts on is such a line, so reading a file in parts resumes where reading it whole does.
    /// Returns the line resumed at; at the end of the input -1, or for a part with more of the file after it, the line
    /// the next part starts on.
    /// </summary>
    private long Resync(int indent)
    {
        if (_inArray) _skippedInArray = true;
        while (SkipLine())
        {
            var blanks = 0;
            while (true)
            {
                if (_start + blanks < _end)
                {
                    var c = _buffer[_start + blanks];
                    if (c != (byte)' ' && c != (byte)'\t') break;
                    blanks++;
                }
                else if (_eof) break;
                else Fill();
            }
            if (_start + blanks == _end) break;
            var first = _buffer[_start + blanks];
            if (blanks <= indent && (first == (byte)'{' || first == (byte)'[' || (first == (byte)']' && _inArray)))
            {
                _start += blanks;
                _atLineStart = true;
                _indent = blanks;
                return _line;
            }
        }
        _start = _end;
        return _part?.MoreFollows == true ? _line : -1;
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
        var lines = _line;
        while ((at = span.IndexOf((byte)'\n')) >= 0)
        {
            _line++;
            span = span.Slice(at + 1);
        }
        // A value over several lines ends on another line than it began: that line's indentation is the current one.
        if (_line != lines)
        {
            var blanks = 0;
            while (blanks < span.Length && span[blanks] is (byte)' ' or (byte)'\t') blanks++;
            _indent = blanks;
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

    /// <param name="resumed">From <see cref="Resync"/>: the line reading resumed at, or -1 when the rest of the input was skipped.</param>
    private void Report(long line, string reason, WebhookReadProblem problem, long? deliveryLine, long resumed) =>
        _onError(new WebhookReadError(_source, line, reason, problem, deliveryLine, resumed >= 0 ? resumed : null, resumed < 0));

    // Utf8JsonReader's messages end with its own position relative to the delivery; the caller reports the file's line instead.
    // A bad literal's message quotes everything after it that the reader holds, which may be lines of the file and
    // depends on how much is in the buffer: it is told by its first letter instead, the same however the file is read.
    private static string ReaderMessage(JsonException ex)
    {
        var message = ex.Message;
        var cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        if (cut > 0) message = message.Substring(0, cut);
        const string Literal = "' is an invalid JSON literal. Expected the literal '";
        var literal = message.LastIndexOf(Literal, StringComparison.Ordinal);
        if (literal > 1 && message[0] == '\'' && message.EndsWith("'.", StringComparison.Ordinal))
        {
            var expected = message.Substring(literal + Literal.Length, message.Length - 2 - literal - Literal.Length);
            return $"Not JSON: a value that begins with '{message[1]}' can only be the literal '{expected}'.";
        }
        return message;
    }
}
