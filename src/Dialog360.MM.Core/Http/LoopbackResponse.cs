using System;
using System.Collections.Generic;
using System.Text;

namespace Dialog360.MM.Core.Http;

/// <summary>What a <see cref="LoopbackHttpServer"/> handler answers; the server adds Content-Length and Connection.</summary>
internal sealed class LoopbackResponse
{
    private readonly List<KeyValuePair<string, string>> _headers = new();

    public LoopbackResponse(int statusCode, byte[] body, string? contentType)
    {
        if (statusCode < 200 || statusCode > 999) throw new ArgumentOutOfRangeException(nameof(statusCode), statusCode, "A final answer's status is 200 to 999.");
        StatusCode = statusCode;
        Body = body ?? throw new ArgumentNullException(nameof(body));
        ContentType = contentType;
    }

    public int StatusCode { get; }
    public byte[] Body { get; }
    public string? ContentType { get; }
    public IReadOnlyList<KeyValuePair<string, string>> Headers => _headers;

    /// <summary>Close the connection after this answer instead of keeping it for the client's next request.</summary>
    public bool CloseConnection { get; set; }

    /// <summary>
    /// Announce more bytes than <see cref="Body"/> has, send the body and close: the client sees the answer break off
    /// (the emulator's dropped connection).
    /// </summary>
    public bool BreakOff { get; set; }

    public static LoopbackResponse Text(int statusCode, string text) =>
        new(statusCode, Encoding.UTF8.GetBytes(text), "text/plain; charset=utf-8");

    /// <exception cref="ArgumentException">A name or value with a line break or another control character.</exception>
    public LoopbackResponse WithHeader(string name, string value)
    {
        // A line break would let a value start a header (or an answer) of its own.
        if (HasControl(name) || HasControl(value)) throw new ArgumentException($"Header '{name}' has a control character in its name or value.");
        _headers.Add(new KeyValuePair<string, string>(name, value));
        return this;
    }

    private static bool HasControl(string text)
    {
        foreach (var c in text)
        {
            if (c < ' ' && c != '\t' || c == '\u007f') return true;
        }
        return false;
    }
}
