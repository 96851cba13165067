using System;
using System.Buffers.Text;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace Dialog360.MM.Core.Webhooks;

/// <summary>
/// A forward-only JSON token reader over one complete delivery, with the part of Utf8JsonReader's surface that
/// <see cref="DeliveryParser"/> uses and the same verdict on what is valid JSON (strict RFC 8259, depth 64, no comments).
/// Why not Utf8JsonReader itself: on .NET its code comes precompiled and, once hot, is recompiled twice with profiling
/// in between (tiered PGO), so a fresh process read its first webhook file at half speed. This code is the module's
/// own and asks for optimised code at once (<see cref="JitHints"/>). Rare work (escaped strings) is handed to
/// Utf8JsonReader, so the decoding rules are the runtime's. Differential tests hold the two readers to the same tokens.
/// </summary>
internal ref struct JsonScanner
{
    private const int MaxDepth = 64;
    private readonly ReadOnlySpan<byte> _json;
    private int _pos;
    private int _depth;
    // One bit per open container, innermost lowest: 1 for an object, 0 for an array (64 levels fit exactly).
    private ulong _objects;
    private Expect _expect;
    private int _valueStart;
    private int _valueLength;
    // JSON lines hold no raw control characters at all (the line break ends the line): one pass over the whole input
    // then spares each string its own check.
    private readonly bool _hasControlBytes;

    public JsonScanner(ReadOnlySpan<byte> json)
    {
        _json = json;
        _hasControlBytes = HasControlByte(json);
        _pos = 0;
        _depth = 0;
        _objects = 0;
        _expect = Expect.Value;
        _valueStart = 0;
        _valueLength = 0;
        TokenType = JsonTokenType.None;
        TokenStartIndex = 0;
        ValueIsEscaped = false;
    }

    private enum Expect : byte { Value, ValueOrEnd, NameOrEnd, Name, CommaOrEnd, Done }

    public JsonTokenType TokenType { get; private set; }

    /// <summary>Where the current token starts (a string's opening quote).</summary>
    public int TokenStartIndex { get; private set; }

    /// <summary>Bytes read so far: the end of the current token.</summary>
    public int BytesConsumed => _pos;

    /// <summary>A string's or property name's bytes between the quotes, as sent (escapes not decoded), or a number's text.</summary>
    public ReadOnlySpan<byte> ValueSpan => _json.Slice(_valueStart, _valueLength);

    /// <summary>Where <see cref="ValueSpan"/> starts in the JSON.</summary>
    public int ValueStartIndex => _valueStart;

    public bool ValueIsEscaped { get; private set; }

    private bool InObject => (_objects & 1) != 0;

    /// <summary>Moves to the next token; false after the root value. Throws <see cref="JsonException"/> on anything that is not JSON.</summary>
    [MethodImpl(JitHints.AggressiveOptimization)]
    public bool Read()
    {
        SkipWhitespace();
        if (_expect == Expect.Done)
        {
            if (_pos == _json.Length) return false;
            throw Invalid("is invalid after a single JSON value");
        }
        if (_pos == _json.Length) throw Invalid("comes before the JSON is complete");
        var b = _json[_pos];
        switch (_expect)
        {
            case Expect.CommaOrEnd:
                if (b == (byte)',')
                {
                    _pos++;
                    SkipWhitespace();
                    if (_pos == _json.Length) throw Invalid("comes before the JSON is complete");
                    b = _json[_pos];
                    if (InObject) return ReadName(b);
                    return ReadValue(b);
                }
                if (b == (byte)(InObject ? '}' : ']')) return EndContainer();
                throw Invalid("was found where ',' or the end of the container was expected");
            case Expect.NameOrEnd:
                if (b == (byte)'}') return EndContainer();
                return ReadName(b);
            case Expect.ValueOrEnd:
                if (b == (byte)']') return EndContainer();
                return ReadValue(b);
            case Expect.Name:
                return ReadName(b);
            default:
                return ReadValue(b);
        }
    }

    /// <summary>
    /// At a property name, skips its value; at the start of an object or array, moves to its end; otherwise does nothing.
    /// </summary>
    [MethodImpl(JitHints.AggressiveOptimization)]
    public void Skip()
    {
        if (TokenType == JsonTokenType.PropertyName) Read();
        if (TokenType is not (JsonTokenType.StartObject or JsonTokenType.StartArray)) return;
        var outside = _depth - 1;
        while (true)
        {
            Read();
            if (_depth == outside) return;
        }
    }

    /// <summary>Whether the current string or property name is <paramref name="utf8"/> (escapes decoded).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool ValueTextEquals(ReadOnlySpan<byte> utf8) =>
        ValueIsEscaped ? EscapedTextEquals(utf8) : ValueSpan.SequenceEqual(utf8);

    // Apart, so that the common comparison above stays small enough to be inlined (a try block would stop that).
    private bool EscapedTextEquals(ReadOnlySpan<byte> utf8)
    {
        var token = EscapedToken();
        try
        {
            return token.ValueTextEquals(utf8);
        }
        catch (InvalidOperationException ex)
        {
            throw NoText(ex);
        }
    }

    /// <summary>
    /// The current string or property name, escapes decoded. Throws <see cref="JsonException"/> for a \u escape of half
    /// a surrogate pair, which is no text (Utf8JsonReader refuses to decode it too).
    /// </summary>
    [MethodImpl(JitHints.AggressiveOptimization)]
    public string GetString()
    {
        if (!ValueIsEscaped) return Decode(ValueSpan);
        var token = EscapedToken();
        try
        {
            return token.GetString()!;
        }
        catch (InvalidOperationException ex)
        {
            throw NoText(ex);
        }
    }

    private JsonException NoText(Exception inner) =>
        new($"The string at byte {_valueStart - 1} escapes half of a UTF-16 surrogate pair, which is no text.", null, null, _valueStart - 1, inner);

    /// <summary>
    /// Escapes are rare in webhook text: Utf8JsonReader decodes and compares them (with its rules for \u surrogates),
    /// reading the current string or name on its own as a JSON string.
    /// </summary>
    private Utf8JsonReader EscapedToken()
    {
        var token = new Utf8JsonReader(_json.Slice(_valueStart - 1, _valueLength + 2), isFinalBlock: true, state: default);
        token.Read();
        return token;
    }

    /// <summary>The current number as an int; false (and 0) for a fraction, an exponent or one out of range.</summary>
    public bool TryGetInt32(out int value)
    {
        if (Utf8Parser.TryParse(ValueSpan, out value, out var used) && used == _valueLength) return true;
        value = 0;
        return false;
    }

    public bool TryGetInt64(out long value)
    {
        if (Utf8Parser.TryParse(ValueSpan, out value, out var used) && used == _valueLength) return true;
        value = 0;
        return false;
    }

    /// <summary>UTF-8 text as a string without an intermediate array (netstandard2.0 has no span overload).</summary>
    public static unsafe string Decode(ReadOnlySpan<byte> utf8)
    {
        if (utf8.IsEmpty) return string.Empty;
        fixed (byte* bytes = &MemoryMarshal.GetReference(utf8)) return Encoding.UTF8.GetString(bytes, utf8.Length);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void SkipWhitespace()
    {
        while (_pos < _json.Length)
        {
            var b = _json[_pos];
            if (b != (byte)' ' && b != (byte)'\n' && b != (byte)'\r' && b != (byte)'\t') return;
            _pos++;
        }
    }

    [MethodImpl(JitHints.AggressiveOptimization)]
    private bool ReadName(byte b)
    {
        if (b != (byte)'"') throw Invalid("was found where a property name in quotes was expected");
        TokenStartIndex = _pos;
        ReadStringBody();
        SkipWhitespace();
        if (_pos == _json.Length) throw Invalid("comes before the JSON is complete");
        if (_json[_pos] != (byte)':') throw Invalid("was found where ':' was expected after a property name");
        _pos++;
        TokenType = JsonTokenType.PropertyName;
        _expect = Expect.Value;
        return true;
    }

    [MethodImpl(JitHints.AggressiveOptimization)]
    private bool ReadValue(byte b)
    {
        TokenStartIndex = _pos;
        switch (b)
        {
            case (byte)'"':
                ReadStringBody();
                TokenType = JsonTokenType.String;
                break;
            case (byte)'{':
                Push(isObject: true);
                TokenType = JsonTokenType.StartObject;
                _expect = Expect.NameOrEnd;
                return true;
            case (byte)'[':
                Push(isObject: false);
                TokenType = JsonTokenType.StartArray;
                _expect = Expect.ValueOrEnd;
                return true;
            case (byte)'t': ReadLiteral("true"u8); TokenType = JsonTokenType.True; break;
            case (byte)'f': ReadLiteral("false"u8); TokenType = JsonTokenType.False; break;
            case (byte)'n': ReadLiteral("null"u8); TokenType = JsonTokenType.Null; break;
            default:
                if (b != (byte)'-' && (uint)(b - '0') > 9) throw Invalid("is not the start of a JSON value");
                ReadNumber();
                TokenType = JsonTokenType.Number;
                break;
        }
        _expect = _depth == 0 ? Expect.Done : Expect.CommaOrEnd;
        return true;
    }

    private void Push(bool isObject)
    {
        if (_depth == MaxDepth) throw Invalid($"opens a container deeper than the maximum depth of {MaxDepth}");
        _depth++;
        _objects = (_objects << 1) | (isObject ? 1UL : 0UL);
        _pos++;
        ValueIsEscaped = false;
        _valueLength = 0;
    }

    private bool EndContainer()
    {
        TokenStartIndex = _pos;
        TokenType = InObject ? JsonTokenType.EndObject : JsonTokenType.EndArray;
        _objects >>= 1;
        _depth--;
        _pos++;
        ValueIsEscaped = false;
        _valueLength = 0;
        _expect = _depth == 0 ? Expect.Done : Expect.CommaOrEnd;
        return true;
    }

    /// <summary>At an opening quote: moves past the closing one, checking escapes and refusing raw control characters.</summary>
    [MethodImpl(JitHints.AggressiveOptimization)]
    private void ReadStringBody()
    {
        var start = _pos + 1;
        var at = start;
        var escaped = false;
        while (true)
        {
            var rest = _json.Slice(at);
            var stop = rest.IndexOfAny((byte)'"', (byte)'\\');
            if (stop < 0) throw Invalid("starts a string that does not end");
            if (_hasControlBytes && HasControlByte(rest.Slice(0, stop))) throw Invalid("starts a string with a raw control character; it must be escaped");
            at += stop;
            if (_json[at] == (byte)'"') break;
            escaped = true;
            at = SkipEscape(at);
        }
        _valueStart = start;
        _valueLength = at - start;
        ValueIsEscaped = escaped;
        _pos = at + 1;
    }

    /// <summary>At a backslash: the index after its escape sequence.</summary>
    private int SkipEscape(int at)
    {
        if (at + 1 >= _json.Length) throw Invalid("starts a string that does not end");
        switch (_json[at + 1])
        {
            case (byte)'"': case (byte)'\\': case (byte)'/': case (byte)'b':
            case (byte)'f': case (byte)'n': case (byte)'r': case (byte)'t':
                return at + 2;
            case (byte)'u':
                if (at + 6 > _json.Length) throw Invalid("starts a string that does not end");
                for (var i = at + 2; i < at + 6; i++)
                    if (!IsHex(_json[i])) throw Invalid("has a \\u escape without four hexadecimal digits");
                return at + 6;
            default:
                throw Invalid("has an escape sequence JSON does not define");
        }
    }

    private static bool IsHex(byte b) => (uint)(b - '0') <= 9 || (uint)((b | 0x20) - 'a') <= 5;

    /// <summary>Any byte below 0x20 (whitespace included), a vector at a time.</summary>
    [MethodImpl(JitHints.AggressiveOptimization)]
    private static bool HasControlByte(ReadOnlySpan<byte> text)
    {
        var i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var below = new Vector<byte>(0x20);
            var vectors = MemoryMarshal.Cast<byte, Vector<byte>>(text);
            foreach (var v in vectors)
                if (Vector.LessThanAny(v, below)) return true;
            i = vectors.Length * Vector<byte>.Count;
        }
        for (; i < text.Length; i++)
            if (text[i] < 0x20) return true;
        return false;
    }

    /// <summary>-?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?</summary>
    [MethodImpl(JitHints.AggressiveOptimization)]
    private void ReadNumber()
    {
        var start = _pos;
        var i = _pos;
        if (_json[i] == (byte)'-') i++;
        if (i == _json.Length) throw Invalid("ends in the middle of a number");
        if (_json[i] == (byte)'0') i++;
        else if ((uint)(_json[i] - '0') <= 9) i = Digits(i);
        else throw Invalid("is not a digit, in a number");
        if (i < _json.Length && _json[i] == (byte)'.')
        {
            var after = Digits(i + 1);
            if (after == i + 1) throw Invalid("ends a number with '.' and no digits after it");
            i = after;
        }
        if (i < _json.Length && (_json[i] | 0x20) == (byte)'e')
        {
            i++;
            if (i < _json.Length && (_json[i] == (byte)'+' || _json[i] == (byte)'-')) i++;
            var after = Digits(i);
            if (after == i) throw Invalid("ends a number's exponent without digits");
            i = after;
        }
        // A number must end at a delimiter: "01", "1x" and a number cut off inside a container are refused here, at
        // the number, as Utf8JsonReader does.
        // ('/' may start a comment, which the next Read refuses.)
        if (i == _json.Length ? _depth > 0 : _json[i] is not ((byte)',' or (byte)'}' or (byte)']' or (byte)' ' or (byte)'\n' or (byte)'\r' or (byte)'\t' or (byte)'/'))
        {
            _pos = i;
            throw Invalid("is invalid at the end of a number");
        }
        _valueStart = start;
        _valueLength = i - start;
        ValueIsEscaped = false;
        _pos = i;
    }

    private int Digits(int i)
    {
        while (i < _json.Length && (uint)(_json[i] - '0') <= 9) i++;
        return i;
    }

    private void ReadLiteral(ReadOnlySpan<byte> literal)
    {
        if (!_json.Slice(_pos).StartsWith(literal)) throw Invalid("starts a word that is not true, false or null");
        _pos += literal.Length;
        _valueLength = 0;
        ValueIsEscaped = false;
    }

    private JsonException Invalid(string problem)
    {
        var what = _pos < _json.Length ? $"'{(char)_json[_pos]}' at byte {_pos}" : $"The end of the JSON at byte {_pos}";
        return new JsonException($"{what} {problem}.", null, null, _pos);
    }
}
