using System.Collections.Generic;

namespace Dialog360.MM.Core.Reporting;

/// <summary>
/// One campaign's funnel. Each message counts once, at its furthest state: Read Read <= Delivered <= Sentlt;= Delivered Read <= Delivered <= Sentlt;= Sent (read implies
/// delivered implies sent); Failed holds the messages that failed and were never delivered. Messages = Sent + Failed +
/// Pending.
/// </summary>
public sealed class MMCampaignSummary
{
    /// <summary>The group: callback data, template name, or "(all)"; "(none)" for messages without one.</summary>
    public string Campaign { get; internal set; } = "";
    public int Messages { get; internal set; }
    public int Sent { get; internal set; }
    public int Delivered { get; internal set; }
    public int Read { get; internal set; }
    public int Failed { get; internal set; }
    /// <summary>With -JournalPath: sends Meta answered held_for_quality_assessment (accepted, not on their way yet).</summary>
    public int HeldForQuality { get; internal set; }
    /// <summary>With -JournalPath: sends answered paused (their template is paused; 132015 may follow).</summary>
    public int Paused { get; internal set; }
    /// <summary>In the send journal but without any status yet (only with a journal).</summary>
    public int Pending { get; internal set; }
    /// <summary>Distinct click ids (a redelivered click counts once).</summary>
    public int Clicked { get; internal set; }
    /// <summary>Distinct recipients (from the statuses, else from the journal).</summary>
    public int Recipients { get; internal set; }
    /// <summary>Delivered / Messages, as a fraction; null when there are no messages.</summary>
    public double? DeliveryRate { get; internal set; }
    /// <summary>Read / Delivered.</summary>
    public double? ReadRate { get; internal set; }
    /// <summary>Clicked / Delivered.</summary>
    public double? ClickRate { get; internal set; }
    /// <summary>The three most frequent failure codes, e.g. "131049 (12), 131026 (3)".</summary>
    public string TopFailureCodes { get; internal set; } = "";
    /// <summary>Billable messages (a status said pricing.billable) in pricing category marketing_lite: sent through the MM API.</summary>
    public int BillableMarketingLite { get; internal set; }
    /// <summary>Billable messages in category marketing: sent through Cloud API (-UseCloudApi, or a CLOUD_API_FALLBACK fallback).</summary>
    public int BillableMarketing { get; internal set; }
    /// <summary>Billable messages of any other category (utility, …) or without one.</summary>
    public int BillableOther { get; internal set; }
    /// <summary>
    /// What the billable messages actually cost, summed, where their status webhooks named the price (pricing.cost: templates
    /// with a max price); null when none did, or when they are in more than one currency (see <see cref="ActualCosts"/>).
    /// </summary>
    public decimal? ActualCost { get; internal set; }
    /// <summary>The currency of <see cref="ActualCost"/>.</summary>
    public string? ActualCurrency { get; internal set; }
    /// <summary>The actual cost per currency, one entry each: amounts in different currencies are never added up.</summary>
    public IReadOnlyList<MMCost> ActualCosts { get; internal set; } = new MMCost[0];
    /// <summary>Billable messages whose webhooks named their actual price (in <see cref="ActualCosts"/>).</summary>
    public int PricedMessages { get; internal set; }
    /// <summary>Billable messages whose webhooks named no price: with -RateCard, those are what <see cref="EstimatedCost"/> prices.</summary>
    public int EstimatedMessages { get; internal set; }
    /// <summary>With -RateCard: the billable messages without an actual price (<see cref="EstimatedMessages"/>) priced by the card, summed; null without a rate card.</summary>
    public decimal? EstimatedCost { get; internal set; }
    /// <summary>The rate card's currency (of <see cref="EstimatedCost"/>).</summary>
    public string? Currency { get; internal set; }
    /// <summary>With -RateCard: billable messages the card has no price for (not in EstimatedCost).</summary>
    public int UnpricedMessages { get; internal set; }
    /// <summary>With -RateCard: the markets and categories the card lacks, with their message counts, e.g. "DE marketing (3)".</summary>
    public string MissingRates { get; internal set; } = "";
    /// <summary>The same per market and category ("DE marketing"), for a total over rows.</summary>
    internal IReadOnlyDictionary<string, int> MissingRateCounts { get; set; } = new Dictionary<string, int>();
    /// <summary>Every failure code with its count, most frequent first.</summary>
    public IReadOnlyList<MMFailureCount> FailureCodes { get; internal set; } = new MMFailureCount[0];
}
