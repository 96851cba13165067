using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Text.Json;

namespace Dialog360.MM.Emulator;

/// <summary>What a route answers: status, JSON body and extra headers (Retry-After, say).</summary>
internal sealed class EmulatorAnswer
{
    private EmulatorAnswer(int statusCode, string body, string contentType = "application/json")
    {
        StatusCode = statusCode;
        Body = body;
        ContentType = contentType;
    }

    public int StatusCode { get; }
    public string Body { get; }
    public string ContentType { get; }
    public Dictionary<string, string> Headers { get; } = new();

    /// <summary>The send was passed on (whatever the client hears): counted as accepted and followed by webhooks.</summary>
    public bool Accepted { get; set; }

    /// <summary>A 200 for a send WhatsApp then drops without a trace (a BSUID in "to"): neither accepted nor refused.</summary>
    public bool SilentlyDropped { get; set; }

    /// <summary>Drop the connection without an answer, as a network failure after the request arrived would.</summary>
    public bool Abort { get; private set; }

    public static EmulatorAnswer Json(int statusCode, string body) => new(statusCode, body);

    /// <summary>A JSON answer written with Utf8JsonWriter (Meta's compact form, no escaping of '+' or '&lt;').</summary>
    public static EmulatorAnswer Json(int statusCode, Action<Utf8JsonWriter> write)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, Core.Messages.TemplateMessage.WriterOptions)) write(w);
        return new(statusCode, Encoding.UTF8.GetString(stream.ToArray()));
    }

    /// <summary>An answer that is not JSON, as a gateway or a crashed server sends it.</summary>
    public static EmulatorAnswer Text(int statusCode, string contentType, string body) => new(statusCode, body, contentType);

    public static EmulatorAnswer Dropped() => new(0, string.Empty) { Abort = true };
}
