using System;

namespace Dialog360.MM.Core.Http;

/// <summary>What one <see cref="LoopbackHttpServer"/> lets a client hold: connections, time and bytes.</summary>
internal sealed class LoopbackServerLimits
{
    /// <summary>Request line and headers together; more gets 431.</summary>
    public const int MaxHeadBytes = 16 * 1024;

    /// <summary>Connections open at once, from accept to close; more are answered 503 and closed at once.</summary>
    public int MaxConnections { get; set; } = 64;

    /// <summary>
    /// From a connection's opening (or the end of its previous answer) until its request line and headers are in;
    /// then it is closed, with 408 when part of a request came.
    /// </summary>
    public TimeSpan HeaderTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long a connection kept alive after an answer may wait for the first byte of its next request before it is
    /// closed quietly; from that byte on, <see cref="HeaderTimeout"/> applies.
    /// </summary>
    public TimeSpan KeepAliveTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>From the end of the headers until the whole body is in, and for the client to take an answer.</summary>
    public TimeSpan BodyTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Larger bodies get 413, before they are read when Content-Length says so.</summary>
    public int MaxBodyBytes { get; set; } = 4 * 1024 * 1024;
}
