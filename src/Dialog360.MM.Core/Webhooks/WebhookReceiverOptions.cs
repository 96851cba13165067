namespace Dialog360.MM.Core.Webhooks;

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
}
