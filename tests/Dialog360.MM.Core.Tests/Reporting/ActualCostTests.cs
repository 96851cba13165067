using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Dialog360.MM.Core.Reporting;
using Dialog360.MM.Core.Tests.Webhooks;
using Dialog360.MM.Core.Webhooks;

namespace Dialog360.MM.Core.Tests.Reporting;

/// <summary>
/// What a campaign actually cost: the prices max-price deliveries name in pricing.cost, summed per currency, with the
/// rate card's estimate kept for the billable messages that name none (fixture max-price.jsonl).
/// </summary>
public class ActualCostTests
{
    private static readonly string File = WebhookReaderTests.Fixture("max-price.jsonl");

    private static RateCard Card() => RateCard.Load(WebhookReaderTests.Fixture("rate-card.csv"));

    private static IReadOnlyList<MMCampaignSummary> FromEvents(CampaignGrouping groupBy, RateCard? card)
    {
        var funnel = new Funnel(groupBy, rateCard: card);
        using var stream = System.IO.File.OpenRead(File);
        foreach (var e in WebhookReader.Read(stream, "max-price.jsonl", _ => { })) funnel.Add(e);
        return funnel.Summarize();
    }

    private static IReadOnlyList<MMCampaignSummary> FromFile(CampaignGrouping groupBy, RateCard? card, int parts = 1)
    {
        var funnel = new Funnel(groupBy, rateCard: card);
        funnel.AddFile(File, _ => { }, default, WebhookReader.DefaultMaxDeliveryBytes, parts, new FileInfo(File).Length / parts);
        return funnel.Summarize();
    }

    [Fact]
    public void A_status_reads_pricing_cost_as_a_number_in_any_form_or_a_string()
    {
        using var stream = System.IO.File.OpenRead(File);
        var costs = WebhookReader.Read(stream, "max-price.jsonl", _ => { }).OfType<MMStatusEvent>()
            .Select(s => (s.MessageId, s.Status, s.CostAmount, s.CostCurrency)).ToList();
        Assert.Equal(("wamid.M1", "sent", (decimal?)null, (string?)null), costs[0]);
        Assert.Equal(("wamid.M1", "delivered", (decimal?)0.035m, "EUR"), costs[1]);
        Assert.Equal(("wamid.M1", "read", (decimal?)0.035m, "EUR"), costs[2]);
        Assert.Equal(0.03m, costs.Single(c => c.MessageId == "wamid.M2").CostAmount);
        Assert.Equal(0.02m, costs.Single(c => c.MessageId == "wamid.M5").CostAmount);
        Assert.Equal(("USD", 0.012m), (costs.Single(c => c.MessageId == "wamid.M4").CostCurrency, costs.Single(c => c.MessageId == "wamid.M4").CostAmount));
    }

    [Fact]
    public void Actual_prices_are_summed_per_currency_once_per_message_and_two_currencies_are_never_added()
    {
        var row = Assert.Single(FromEvents(CampaignGrouping.None, null));
        Assert.Equal(new[] { "0.085 EUR", "0.012 USD" }, row.ActualCosts.Select(c => c.ToString()));
        Assert.Null(row.ActualCost);   // two currencies: no single sum
        Assert.Null(row.ActualCurrency);
        // M1, M2, M4, M5 named their price; M3 (no max price) and M6 (an amount no delivery costs) did not.
        Assert.Equal((4, 2), (row.PricedMessages, row.EstimatedMessages));
        Assert.Null(row.EstimatedCost);
        Assert.Equal(6, row.BillableMarketingLite);
    }

    [Fact]
    public void The_rate_card_estimates_only_the_messages_without_an_actual_price()
    {
        var rows = FromEvents(CampaignGrouping.Market, Card()).ToDictionary(r => r.Campaign);
        var gb = rows["GB"];
        Assert.Equal((0.065m, "EUR"), (gb.ActualCost, gb.ActualCurrency));
        Assert.Equal((2, 2), (gb.PricedMessages, gb.EstimatedMessages));
        Assert.Equal((0.0760m, "EUR"), (gb.EstimatedCost, gb.Currency));   // M3 and M6 at GB's 0.0380, not M1 and M2
        Assert.Equal((0.012m, "USD", 0m), (rows["US"].ActualCost, rows["US"].ActualCurrency, rows["US"].EstimatedCost));
        Assert.Equal((0.02m, 0, 0), (rows["IN"].ActualCost, rows["IN"].EstimatedMessages, rows["IN"].UnpricedMessages));
        Assert.Empty(rows["DE"].ActualCosts);
    }

    [Fact]
    public void A_file_read_whole_or_in_parts_gives_the_events_sums()
    {
        static string Costs(IEnumerable<MMCampaignSummary> rows) => string.Join(" | ", rows.OrderBy(r => r.Campaign, StringComparer.Ordinal)
            .Select(r => $"{r.Campaign}: {string.Join(", ", r.ActualCosts)} {r.PricedMessages}/{r.EstimatedMessages} {r.EstimatedCost}"));
        var expected = Costs(FromEvents(CampaignGrouping.Market, Card()));
        Assert.Equal(expected, Costs(FromFile(CampaignGrouping.Market, Card())));
        Assert.Equal(expected, Costs(FromFile(CampaignGrouping.Market, Card(), parts: 4)));
    }

    [Fact]
    public void Without_any_actual_price_the_summary_says_so_and_the_estimate_is_as_before()
    {
        var funnel = new Funnel(rateCard: Card());
        using var stream = System.IO.File.OpenRead(WebhookReaderTests.Fixture("pricing.jsonl"));
        foreach (var e in WebhookReader.Read(stream, "pricing.jsonl", _ => { })) funnel.Add(e);
        var row = Assert.Single(funnel.Summarize());
        Assert.Empty(row.ActualCosts);
        Assert.Null(row.ActualCost);
        Assert.Equal((0, 5, 0.2141m), (row.PricedMessages, row.EstimatedMessages, row.EstimatedCost));
    }
}
