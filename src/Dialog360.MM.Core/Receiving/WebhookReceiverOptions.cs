using System;

namespace Dialog360.MM.Core.Receiving;

public sealed class WebhookReceiverOptions
{
    /// <summary>Loopback port; 0 takes a free one.</summary>
    public int Port { get; set; }

    /// <summary>The JSON lines file each accepted delivery is appended to.</summary>
    public string Path { get; set; } = "";

    /// <summary>The token Meta's subscription check (GET hub.verify_token) must present; null refuses every check.</summary>
    public string? VerifyToken { get; set; }

    /// <summary>The signing secret (UTF-8 bytes); null accepts unsigned deliveries.</summary>
    public byte[]? Secret { get; set; }

    /// <summary>Larger bodies get 413; Meta's deliveries are a few kilobytes.</summary>
    public int MaxBodyBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>
    /// Connections open at once, from accept to close, whether they are sending, being answered or idle between
    /// requests. More are answered 503 with Retry-After and closed at once, unread, so a flood of connections costs
    /// the receiver neither file descriptors nor threads beyond this many. Senders retry a 503.
    /// </summary>
    public int MaxConnections { get; set; } = 64;

    /// <summary>
    /// A connection's request line and headers must arrive within this time of its opening (or of its previous
    /// answer); then it is closed (with 408 when part of a request came). Senders write headers in one go.
    /// </summary>
    public TimeSpan HeaderTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>A body not received in full within this time of its headers has its connection closed with 408.</summary>
    public TimeSpan BodyTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
