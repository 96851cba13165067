using System;
using Dialog360.MM.Core.Messages;

namespace Dialog360.MM.Core.Campaigns;

internal sealed class CampaignOptions
{
    public const int DefaultThrottleLimit = 1000;

    /// <summary>
    /// The most requests in flight at once. The run keeps as many on the wire as rate × measured latency needs
    /// (<see cref="InFlightLimit"/>); this only caps it (1,000: 1,000 msg/s at up to ~800 ms).
    /// </summary>
    public int ThrottleLimit { get; set; } = DefaultThrottleLimit;

    /// <summary>The steady send rate. Meta starts a number at 80 msg/s (docs/reference/mm-api.md).</summary>
    public double MessagesPerSecond { get; set; } = 80;

    public int MaxRetries { get; set; } = 3;

    public SendRoute Route { get; set; } = SendRoute.MarketingMessages;

    /// <summary>After Ctrl+C, how long requests already sent may take to answer before they are abandoned as Unknown.</summary>
    public TimeSpan StopGrace { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Backoff base for retries (tests shorten it).</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(500);
}
