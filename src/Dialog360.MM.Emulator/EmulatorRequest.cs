using System;

namespace Dialog360.MM.Emulator;

/// <summary>One request the emulator received, as a test or the demo inspects it. The key header is not kept.</summary>
public sealed class EmulatorRequest
{
    internal EmulatorRequest(DateTimeOffset receivedAt, string method, string path, string query, string body,
        int statusCode, string? userAgent)
    {
        ReceivedAt = receivedAt;
        Method = method;
        Path = path;
        Query = query;
        Body = body;
        StatusCode = statusCode;
        UserAgent = userAgent;
    }

    public DateTimeOffset ReceivedAt { get; }
    public string Method { get; }
    public string Path { get; }
    public string Query { get; }
    public string Body { get; }
    public int StatusCode { get; }
    public string? UserAgent { get; }
}
