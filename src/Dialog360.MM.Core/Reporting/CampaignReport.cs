using System;
using System.Collections.Generic;
using System.Linq;
using Dialog360.MM.Core.Api;
using Dialog360.MM.Core.Templates;

namespace Dialog360.MM.Core.Reporting;

/// <summary>
/// Everything a campaign report shows, taken from one <see cref="Funnel"/> through the same <see cref="Funnel.Summarize()"/>
/// that Measure-MMCampaign writes, so the page's numbers are Measure-MMCampaign's for the same input. Sections without
/// data (<see cref="ActualCosts"/> when no webhook named a price, <see cref="Analytics"/> unless given) stay empty, and
/// the page leaves them out.
/// </summary>
internal sealed class CampaignReport
{
    private CampaignReport(ReportOptions options, MMCampaignSummary total)
    {
        Title = options.Title;
        GeneratedAt = options.GeneratedAt;
        Sources = options.Sources;
        ModuleVersion = options.ModuleVersion;
        GroupBy = options.GroupBy;
        Total = total;
    }

    public string Title { get; }
    public DateTimeOffset GeneratedAt { get; }
    /// <summary>The names (not the paths) of the files the report was made from.</summary>
    public IReadOnlyList<string> Sources { get; }
    public string ModuleVersion { get; }

    /// <summary>The whole input: Measure-MMCampaign's one row without -GroupBy.</summary>
    public MMCampaignSummary Total { get; }

    /// <summary>Measure-MMCampaign -GroupBy's rows; none when the report is not grouped.</summary>
    public CampaignGrouping GroupBy { get; }
    public IReadOnlyList<MMCampaignSummary> Groups { get; private set; } = Array.Empty<MMCampaignSummary>();

    /// <summary>Measure-MMCampaign -GroupBy Market's rows that have billable messages, dearest (else largest) first.</summary>
    public IReadOnlyList<MMCampaignSummary> Markets { get; private set; } = Array.Empty<MMCampaignSummary>();

    /// <summary>The same per market and pricing category: the lines of each market add up to its row in <see cref="Markets"/>.</summary>
    public IReadOnlyList<ReportCostLine> CostLines { get; private set; } = Array.Empty<ReportCostLine>();

    /// <summary>Each failure code with its count (<see cref="MMCampaignSummary.FailureCodes"/>) and the catalog's advice.</summary>
    public IReadOnlyList<ReportFailure> Failures { get; private set; } = Array.Empty<ReportFailure>();

    public ReportTimeline Timeline { get; private set; } = null!;

    /// <summary>People whose latest marketing preference webhook is a stop, and those whose latest is a resume.</summary>
    public int OptedOut { get; private set; }
    public int Resumed { get; private set; }

    /// <summary>A send journal was read: held, paused and pending are known.</summary>
    public bool HasJournal { get; private set; }

    /// <summary>A rate card was read: estimated costs are known (in <see cref="MMCampaignSummary.Currency"/>).</summary>
    public bool HasRateCard => Total.EstimatedCost.HasValue;

    /// <summary>What status webhooks said messages really cost (max price), per market and currency; empty when none said.</summary>
    public IReadOnlyList<ReportActualCost> ActualCosts { get; private set; } = Array.Empty<ReportActualCost>();

    /// <summary>360dialog's template analytics, a row per template and day; empty when not given.</summary>
    public IReadOnlyList<ReportAnalyticsRow> Analytics { get; private set; } = Array.Empty<ReportAnalyticsRow>();

    /// <exception cref="System.IO.InvalidDataException">A cost past decimal's range (see <see cref="Funnel.Summarize()"/>).</exception>
    public static CampaignReport From(Funnel funnel, ReportOptions options, bool hasJournal)
    {
        var report = new CampaignReport(options, funnel.Summarize(CampaignGrouping.None)[0])
        {
            HasJournal = hasJournal,
            Timeline = funnel.Timeline(),
        };
        if (options.GroupBy != CampaignGrouping.None) report.Groups = funnel.Summarize(options.GroupBy);

        report.Markets = funnel.Summarize(CampaignGrouping.Market)
            .Where(m => Billable(m) > 0)
            .OrderByDescending(m => m.EstimatedCost ?? 0).ThenByDescending(Billable).ThenBy(m => m.Campaign, StringComparer.Ordinal)
            .ToList();
        var order = report.Markets.Select((m, i) => (m.Campaign, i)).ToDictionary(p => p.Campaign, p => p.i, StringComparer.Ordinal);
        report.CostLines = funnel.Summarize(CampaignGrouping.Market, byPricingCategory: true)
            .Where(m => Billable(m) > 0)
            .Select(ReportCostLine.From)
            .OrderBy(l => order[l.Market]).ThenBy(l => CategoryOrder(l.Category)).ThenBy(l => l.Category, StringComparer.Ordinal)
            .ToList();

        report.ActualCosts = report.Markets
            .SelectMany(m => m.ActualCosts.Select(c => new ReportActualCost(m.Campaign, c.Currency, c.Amount, c.Messages, c.RateCardEstimate, m.EstimatedMessages)))
            .ToList();
        report.Failures = report.Total.FailureCodes
            .Select(f => new ReportFailure(f.Code, f.Title, f.Count, ApiErrorCatalog.Lookup(f.Code)?.Hint))
            .ToList();
        (report.OptedOut, report.Resumed) = funnel.OptOuts();
        return report;
    }

    /// <summary>The section for template analytics (a row per template and day), drawn only when there are some.</summary>
    public CampaignReport WithAnalytics(IEnumerable<ReportAnalyticsRow> rows)
    {
        Analytics = rows.OrderBy(r => r.Day).ThenBy(r => r.Template, StringComparer.Ordinal).ToList();
        return this;
    }

    internal static int Billable(MMCampaignSummary s) => s.BillableMarketingLite + s.BillableMarketing + s.BillableOther;

    private static int CategoryOrder(string category) => category switch
    {
        CostTally.MarketingLite => 0,
        CostTally.Marketing => 1,
        _ => 2,
    };
}

/// <summary>What the report is called and made from.</summary>
internal sealed class ReportOptions
{
    public string Title { get; set; } = "Campaign report";
    public DateTimeOffset GeneratedAt { get; set; }
    public IReadOnlyList<string> Sources { get; set; } = Array.Empty<string>();
    public string ModuleVersion { get; set; } = "";
    public CampaignGrouping GroupBy { get; set; } = CampaignGrouping.None;
}

/// <summary>Billable messages of one market in one pricing category, and their estimated cost.</summary>
internal sealed class ReportCostLine
{
    private ReportCostLine(string market, string category, int billable, decimal? estimatedCost, int unpriced)
    {
        Market = market;
        Category = category;
        Billable = billable;
        EstimatedCost = estimatedCost;
        Unpriced = unpriced;
    }

    /// <summary>As in Measure-MMCampaign -GroupBy Market: a region (GB), else +calling code, else (unknown).</summary>
    public string Market { get; }
    /// <summary>The pricing category as the webhooks wrote it (lower case); empty when they named none.</summary>
    public string Category { get; }
    public int Billable { get; }
    /// <summary>With a rate card; null without one.</summary>
    public decimal? EstimatedCost { get; }
    /// <summary>Billable messages the rate card has no price for.</summary>
    public int Unpriced { get; }

    internal static ReportCostLine From(MMCampaignSummary row)
    {
        var at = row.Campaign.IndexOf(Funnel.CategorySeparator);
        return new ReportCostLine(row.Campaign.Substring(0, at), row.Campaign.Substring(at + 1), CampaignReport.Billable(row),
            row.EstimatedCost, row.UnpricedMessages);
    }
}

/// <summary>One failure code: how many messages failed with it, the title the webhooks gave, and what to do.</summary>
internal sealed class ReportFailure
{
    public ReportFailure(int? code, string? title, int count, string? hint)
    {
        Code = code;
        Title = title;
        Count = count;
        Hint = hint;
    }

    public int? Code { get; }
    public string? Title { get; }
    public int Count { get; }
    /// <summary>From the module's catalog of codes; null for a code it does not know.</summary>
    public string? Hint { get; }
}

/// <summary>
/// What status webhooks said one market's messages cost in one currency (max price: pricing.cost on delivered and read
/// statuses, docs/reference/mm-api.md "Max price"), beside the rate card's price for the same messages.
/// </summary>
internal sealed class ReportActualCost
{
    public ReportActualCost(string market, string currency, decimal amount, int pricedMessages, decimal? rateCardEstimate, int estimatedMessages)
    {
        Market = market;
        Currency = currency;
        Amount = amount;
        PricedMessages = pricedMessages;
        RateCardEstimate = rateCardEstimate;
        EstimatedMessages = estimatedMessages;
    }

    /// <summary>As <see cref="ReportCostLine.Market"/>.</summary>
    public string Market { get; }
    public string Currency { get; }
    /// <summary>The sum of the actual prices the webhooks gave (<see cref="MMCost.Amount"/>).</summary>
    public decimal Amount { get; }
    /// <summary>Billable messages whose webhooks gave a price in this currency (<see cref="MMCost.Messages"/>).</summary>
    public int PricedMessages { get; }
    /// <summary>The rate card's price for the same messages; null without a card in this currency that prices them all.</summary>
    public decimal? RateCardEstimate { get; }
    /// <summary>The market's billable messages without an actual price (<see cref="MMCampaignSummary.EstimatedMessages"/>).</summary>
    public int EstimatedMessages { get; }
}

/// <summary>
/// One template's figures for one day from 360dialog's template analytics (docs/reference/mm-api.md, "Template
/// analytics": a data point's sent, delivered, read, clicked and cost).
/// </summary>
internal sealed class ReportAnalyticsRow
{
    public ReportAnalyticsRow(string template, DateTime day, long sent, long delivered, long read, long clicked, decimal? amountSpent)
    {
        Template = template;
        Day = day.Date;
        Sent = sent;
        Delivered = delivered;
        Read = read;
        Clicked = clicked;
        AmountSpent = amountSpent;
    }

    /// <summary>One data point of Get-MMTemplateAnalytics.</summary>
    internal static ReportAnalyticsRow From(MMTemplateAnalytics a) =>
        new((a.TemplateName ?? a.TemplateId) + (string.IsNullOrEmpty(a.LanguageCode) ? "" : " (" + a.LanguageCode + ")"), a.Start.UtcDateTime, a.Sent ?? 0, a.Delivered ?? 0, a.Read ?? 0, a.Clicked, a.AmountSpent);

    /// <summary>The template's name, else its id, with its language where known: "spring_sale (de)".</summary>
    public string Template { get; }
    public DateTime Day { get; }
    public long Sent { get; }
    public long Delivered { get; }
    public long Read { get; }
    /// <summary>The sum of the data point's clicked[] counts.</summary>
    public long Clicked { get; }
    /// <summary>cost[] of type amount_spent, in the account's currency; null when not given.</summary>
    public decimal? AmountSpent { get; }
}
