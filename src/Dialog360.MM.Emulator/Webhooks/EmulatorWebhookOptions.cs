using System;

namespace Dialog360.MM.Emulator.Webhooks;

/// <summary>
/// What happens after a send is accepted: the status, click and opt-out webhooks the platform would deliver, where
/// they go, and how fast. Shares are drawn per send from the emulator's seed, so a seeded run repeats.
/// </summary>
public sealed class EmulatorWebhookOptions
{
    /// <summary>Loopback URL that gets each delivery as a POST (retried with backoff until it answers 2xx).</summary>
    public Uri? Url { get; set; }

    /// <summary>File that gets each delivery appended as one JSON line.</summary>
    public string? Path { get; set; }

    /// <summary>Signs each POST with X-Hub-Signature-256 (sha256=hex) and x-360dialog-signature (hex), both HMAC-SHA256 of the body.</summary>
    public byte[]? Secret { get; set; }

    /// <summary>Share of accepted sends that are delivered; the rest fail with 131049, 131026 or 131050.</summary>
    public double DeliveredRate { get; set; } = 0.95;

    /// <summary>Share of delivered messages that are read.</summary>
    public double ReadRate { get; set; } = 0.6;

    /// <summary>Share of read messages sent with message_activity_sharing whose link is clicked.</summary>
    public double ClickRate { get; set; } = 0.2;

    /// <summary>Share of delivered messages whose recipient then stops marketing messages (a user_preferences stop).</summary>
    public double OptOutRate { get; set; } = 0.02;

    /// <summary>Share of sends with product_policy CLOUD_API_FALLBACK that Meta sent through Cloud API (priced marketing).</summary>
    public double FallbackRate { get; set; } = 0.1;

    /// <summary>Share of webhooks delivered a second time, as the platform does after a lost acknowledgement.</summary>
    public double DuplicateRate { get; set; } = 0.03;

    /// <summary>Share of messages whose sent status arrives after their delivered status.</summary>
    public double OutOfOrderRate { get; set; } = 0.05;

    /// <summary>Real time per platform second: 1 is real time, 0.001 runs a day's timeline in under 90 seconds.</summary>
    public double TimeScale { get; set; } = 1;

    /// <summary>How many POSTs of one delivery are tried before it counts as failed.</summary>
    public int MaxAttempts { get; set; } = 6;

    internal bool Enabled => Url != null || Path != null;

    /// <exception cref="ArgumentException">A share outside 0 to 1, a time scale that is not positive, a URL off loopback.</exception>
    internal void Validate()
    {
        foreach (var (name, rate) in new[]
        {
            ("DeliveredRate", DeliveredRate), ("ReadRate", ReadRate), ("ClickRate", ClickRate), ("OptOutRate", OptOutRate),
            ("FallbackRate", FallbackRate), ("DuplicateRate", DuplicateRate), ("OutOfOrderRate", OutOfOrderRate),
        })
        {
            if (!(rate >= 0 && rate <= 1)) throw new ArgumentException($"{name} is {rate}; write a share from 0 to 1, e.g. 0.9.");
        }
        if (!(TimeScale > 0 && TimeScale <= 1000)) throw new ArgumentException($"TimeScale is {TimeScale}; write a factor above 0, e.g. 0.001 to run a thousand times faster than real time.");
        if (MaxAttempts < 1) throw new ArgumentException("MaxAttempts must be at least 1.");
        if (Url != null && !IsAllowedUrl(Url))
            throw new ArgumentException($"The webhook URL {Url} is not an http(s) URL on this machine (127.0.0.1 or localhost).");
    }

    /// <summary>The emulator stays on this machine: deliveries go to http(s) on loopback only.</summary>
    public static bool IsAllowedUrl(Uri url) =>
        url.IsAbsoluteUri && (url.Scheme == Uri.UriSchemeHttp || url.Scheme == Uri.UriSchemeHttps) && url.IsLoopback;
}
