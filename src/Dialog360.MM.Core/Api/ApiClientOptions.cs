using System;

namespace Dialog360.MM.Core.Api;

public sealed class ApiClientOptions
{
    public static readonly Uri DefaultBaseUri = new("https://waba-v2.360dialog.io/");

    /// <summary>How long one request may take before it is abandoned (and, for a send, reported as Unknown).</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The most connections to the API host. Sends open only as many as the rate and latency need (CampaignRunner's
    /// in-flight limit); this is a backstop above Send-MarketingMessage's largest -ThrottleLimit.
    /// </summary>
    public int MaxConnections { get; set; } = 4096;

    /// <summary>e.g. "Dialog360.MM/0.1.0 PowerShell/7.6.9".</summary>
    public string UserAgent { get; set; } = "Dialog360.MM";

    /// <summary>The time a Retry-After date is measured from.</summary>
    public TimeProvider Time { get; set; } = TimeProvider.System;
}
