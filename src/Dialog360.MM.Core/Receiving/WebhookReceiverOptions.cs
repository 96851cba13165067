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
    /// Requests handled at once; more get 503 at once and their connection is closed, so a flood of idle or slow
    /// requests cannot use up the process's file descriptors. Senders retry a 503.
    /// </summary>
    public int MaxRequestsInFlight { get; set; } = 64;

    /// <summary>A body not received in full within this time has its connection closed (a slow sender holds a slot).</summary>
    public TimeSpan BodyTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
