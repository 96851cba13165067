using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Dialog360.MM.Core.State;
using Dialog360.MM.Core.Webhooks;
using Dialog360.MM.Core.Reporting;

using Dialog360.MM.Core.Tests.Webhooks;

namespace Dialog360.MM.Core.Tests.Reporting;

public class FunnelTests
{
    private static List<MMWebhookEvent> Campaign()
    {
        using var stream = File.OpenRead(WebhookReaderTests.Fixture("campaign.jsonl"));
        return WebhookReader.Read(stream, "campaign.jsonl", _ => { }).ToList();
    }

    private static Dictionary<string, SendJournalEntry> Journal() =>
        SendJournalReader.ReadIndex(WebhookReaderTests.Fixture("journal.jsonl"));

    private static IReadOnlyList<MMCampaignSummary> Fold(IEnumerable<MMWebhookEvent> events, CampaignGrouping groupBy = CampaignGrouping.None,
        Dictionary<string, SendJournalEntry>? journal = null)
    {
        var funnel = new Funnel(groupBy, journal);
        foreach (var e in events) funnel.Add(e);
        return funnel.Summarize();
    }

    [Fact]
    public void Each_message_counts_once_at_its_furthest_state_and_each_click_id_once()
    {
        var row = Assert.Single(Fold(Campaign()));
        Assert.Equal("(all)", row.Campaign);
        Assert.Equal((5, 3, 2, 1, 2, 0), (row.Messages, row.Sent, row.Delivered, row.Read, row.Failed, row.Pending));
        Assert.Equal(2, row.Clicked);
        Assert.Equal(5, row.Recipients);
        Assert.Equal(0.4, row.DeliveryRate);
        Assert.Equal(0.5, row.ReadRate);
        Assert.Equal(1.0, row.ClickRate);
        Assert.Equal("131049 (1), 131050 (1)", row.TopFailureCodes);
        Assert.Equal(new int?[] { 131049, 131050 }, row.FailureCodes.Select(f => f.Code));
        Assert.StartsWith("Unable to deliver the message.", row.FailureCodes[1].Title);
    }

    [Fact]
    public void Order_and_repetition_do_not_change_the_result()
    {
        var events = Campaign();
        var expected = Fold(events).Single();
        var shuffled = events.Concat(events).OrderBy(_ => Guid.NewGuid()).ToList();
        var actual = Fold(shuffled).Single();
        Assert.Equal((expected.Sent, expected.Delivered, expected.Read, expected.Failed, expected.Clicked, expected.TopFailureCodes),
            (actual.Sent, actual.Delivered, actual.Read, actual.Failed, actual.Clicked, actual.TopFailureCodes));
    }

    [Fact]
    public void Grouped_by_callback_data_clicks_are_listed_apart_because_they_name_no_message()
    {
        var rows = Fold(Campaign(), CampaignGrouping.CallbackData).ToDictionary(r => r.Campaign);
        Assert.Equal(new[] { "(unattributed clicks)", "autumn", "spring" }, rows.Keys.OrderBy(k => k, StringComparer.Ordinal));
        var spring = rows["spring"];
        Assert.Equal((3, 2, 1, 1, 1, "131049 (1)"), (spring.Messages, spring.Sent, spring.Delivered, spring.Read, spring.Failed, spring.TopFailureCodes));
        var autumn = rows["autumn"];
        Assert.Equal((2, 1, 1, 0, 1, "131050 (1)"), (autumn.Messages, autumn.Sent, autumn.Delivered, autumn.Read, autumn.Failed, autumn.TopFailureCodes));
        Assert.Equal(0, spring.Clicked);
        Assert.Equal(2, rows["(unattributed clicks)"].Clicked);
        Assert.Null(rows["(unattributed clicks)"].DeliveryRate);
    }

    [Fact]
    public void Grouped_by_template_through_the_journal_with_sends_that_got_no_status_as_pending()
    {
        var rows = Fold(Campaign(), CampaignGrouping.Template, Journal()).ToDictionary(r => r.Campaign);
        var spring = rows["spring_sale"];
        Assert.Equal((4, 2, 1, 1, 1, 1), (spring.Messages, spring.Sent, spring.Delivered, spring.Read, spring.Failed, spring.Pending));
        Assert.Equal(4, spring.Recipients);
        Assert.Equal(0.25, spring.DeliveryRate);
        var autumn = rows["autumn_teaser"];
        Assert.Equal((2, 1, 1, 0), (autumn.Messages, autumn.Sent, autumn.Delivered, autumn.Pending));
    }

    [Fact]
    public void A_failure_after_a_delivery_does_not_undo_the_delivery()
    {
        var failed = Campaign().OfType<MMStatusEvent>().First(s => s.Status == "failed");
        failed.MessageId = "wamid.A0001";
        var events = Campaign().OfType<MMStatusEvent>().Where(s => s.MessageId == "wamid.A0001").Append(failed);
        var row = Fold(events).Single();
        Assert.Equal((1, 1, 1, 1, 0, ""), (row.Messages, row.Sent, row.Delivered, row.Read, row.Failed, row.TopFailureCodes));
    }

    [Fact]
    public void Template_grouping_without_a_journal_is_refused()
    {
        var ex = Assert.Throws<ArgumentException>(() => new Funnel(CampaignGrouping.Template));
        Assert.Contains("send journal", ex.Message);
    }

    [Fact]
    public void No_events_give_one_empty_row()
    {
        var row = Assert.Single(Fold(Array.Empty<MMWebhookEvent>()));
        Assert.Equal((0, null as double?), (row.Messages, row.DeliveryRate));
    }
}

public class CostTests
{
    private static List<MMWebhookEvent> Pricing()
    {
        using var stream = File.OpenRead(WebhookReaderTests.Fixture("pricing.jsonl"));
        return WebhookReader.Read(stream, "pricing.jsonl", _ => { }).ToList();
    }

    private static RateCard Card() => RateCard.Load(WebhookReaderTests.Fixture("rate-card.csv"));

    private static IReadOnlyList<MMCampaignSummary> Fold(CampaignGrouping groupBy, RateCard? card)
    {
        var funnel = new Funnel(groupBy, rateCard: card);
        foreach (var e in Pricing()) funnel.Add(e);
        return funnel.Summarize();
    }

    [Fact]
    public void Billable_messages_are_counted_once_per_pricing_category()
    {
        var row = Assert.Single(Fold(CampaignGrouping.None, null));
        Assert.Equal((4, 1, 0), (row.BillableMarketingLite, row.BillableMarketing, row.BillableOther));
        Assert.Null(row.EstimatedCost);
        Assert.Equal("", row.MissingRates);
    }

    [Fact]
    public void A_rate_card_prices_each_market_by_region_or_calling_code_and_names_what_it_lacks()
    {
        var row = Assert.Single(Fold(CampaignGrouping.None, Card()));
        // GB lite 2 × 0.0380 + DE (calling code 49) marketing 0.1131 + US (calling code 1) lite 0.0250; IN is missing.
        Assert.Equal(0.2141m, row.EstimatedCost);
        Assert.Equal("EUR", row.Currency);
        Assert.Equal(1, row.UnpricedMessages);
        Assert.Equal("IN marketing_lite (1)", row.MissingRates);
    }

    [Fact]
    public void GroupBy_Market_gives_one_row_per_market_with_its_cost()
    {
        var rows = Fold(CampaignGrouping.Market, Card()).ToDictionary(r => r.Campaign);
        Assert.Equal(new[] { "DE", "GB", "IN", "US" }, rows.Keys.OrderBy(k => k, StringComparer.Ordinal));
        Assert.Equal((3, 2, 0.0760m), (rows["GB"].Messages, rows["GB"].BillableMarketingLite, rows["GB"].EstimatedCost));
        Assert.Equal(1, rows["GB"].Failed);
        Assert.Equal((1, 0.1131m), (rows["DE"].BillableMarketing, rows["DE"].EstimatedCost));
        Assert.Equal((0m, 1), (rows["IN"].EstimatedCost, rows["IN"].UnpricedMessages));
    }

    [Fact]
    public void A_region_price_wins_over_its_calling_code()
    {
        var card = RateCard.Parse(new StringReader("market,CATEGORY,price,currency\n1,marketing_lite,0.02,USD\nCA,marketing_lite,0.03,USD\n"), "card.csv");
        Assert.True(card.TryGetPrice(Market.Of("14165550123"), "marketing_lite", out var canada));
        Assert.True(card.TryGetPrice(Market.Of("12025550123"), "MARKETING_LITE", out var us));
        Assert.Equal((0.03m, 0.02m), (canada, us));
    }

    [Theory]
    [InlineData("Market,Category,Price\nGB,marketing,1\n", "'currency'")]
    [InlineData("Market,Category,Price,Currency\nGreat Britain,marketing,1,EUR\n", "line 2")]
    [InlineData("Market,Category,Price,Currency\nGB,marketing,cheap,EUR\n", "line 2")]
    [InlineData("Market,Category,Price,Currency\nGB,marketing,1,EUR\nDE,marketing,1,USD\n", "two currencies")]
    [InlineData("Market,Category,Price,Currency\n", "no prices")]
    // A decimal comma (European spreadsheets) must not read as a thousands separator: "0,0380" is not 380.
    [InlineData("Market,Category,Price,Currency\nGB,marketing_lite,\"0,0380\",EUR\n", "line 2: price '0,0380' is not a number such as 0.0437 (a dot")]
    [InlineData("Market,Category,Price,Currency\nGB,marketing_lite,\"1,000.5\",EUR\n", "no thousands separator")]
    [InlineData("Market,Category,Price,Currency\nGB,marketing_lite,-0.01,EUR\n", "line 2")]
    // Unquoted, the decimal comma splits the price: "0" and "038" must not pass as a price of 0.
    [InlineData("Market,Category,Currency,Price\nGB,marketing_lite,EUR,0,038\n", "line 2: 5 fields where the header has 4")]
    [InlineData("Market,Category,Price,Currency\nGB,marketing_lite,0.038,EUR\ngb,MARKETING_LITE,0.05,EUR\n", "line 3: market gb and category marketing_lite already have a price on line 2")]
    // A price no market charges (a misplaced decimal point, a total pasted in) is refused before it can overflow a sum.
    [InlineData("Market,Category,Price,Currency\nGB,marketing_lite,79228162514264337593543950335,EUR\n", "line 2: Price '79228162514264337593543950335' is more than 1000000 per message")]
    [InlineData("Market,Category,Price,Currency\nGB,marketing_lite,1000000.01,EUR\n", "line 2: Price '1000000.01' is more than 1000000 per message")]
    [InlineData("Market,Category,Price,Currency\nGB,marketing_lite,123456789012345678901234567890123,EUR\n", "line 2: Price '123456789012345678901234567890123' is more than 1000000 per message")]
    // Digits of other scripts are not a calling code: Arabic-Indic and fullwidth 44.
    [InlineData("Market,Category,Price,Currency\n\u0664\u0664,marketing_lite,0.038,EUR\n", "line 2: market '\u0664\u0664' is neither")]
    [InlineData("Market,Category,Price,Currency\n\uFF14\uFF14,marketing_lite,0.038,EUR\n", "line 2: market '\uFF14\uFF14' is neither")]
    [InlineData("Market,Category,Price,Currency\n++44,marketing_lite,0.038,EUR\n", "line 2: market '++44' is neither")]
    [InlineData("Market,Category,Price,Currency\nGB,marketing_lite,0.038,\u20AC\u20AC\u20AC\n", "line 2: currency '\u20AC\u20AC\u20AC' is not a code")]
    public void A_bad_rate_card_says_what_and_where(string csv, string says) =>
        Assert.Contains(says, Assert.Throws<InvalidDataException>(() => RateCard.Parse(new StringReader(csv), "card.csv")).Message);

    [Fact]
    public void The_highest_price_a_card_takes_adds_up_without_overflow()
    {
        var card = RateCard.Parse(new StringReader("Market,Category,Price,Currency\n44,marketing_lite,1000000,IDR\n"), "card.csv");
        var tally = new CostTally(card);
        for (var i = 0; i < 1000; i++) tally.Add("447911123456", "marketing_lite");
        Assert.Equal((0, 1_000_000_000m), (tally.Unpriced, tally.Cost));
    }

    [Fact]
    public void A_cost_too_large_for_a_decimal_is_an_InvalidDataException_that_names_the_sum()
    {
        // Prices past RateCard.MaxPrice never come from a file; this card stands for a limit that was raised too far.
        var card = new RateCard(new Dictionary<(string, string), decimal> { [("44", "marketing_lite")] = decimal.MaxValue }, "EUR");
        var tally = new CostTally(card);
        tally.Add("447911123456", "marketing_lite");
        var refused = Assert.Throws<InvalidDataException>(() => tally.Add("447911123457", "marketing_lite"));
        Assert.Contains("estimated cost", refused.Message);
        Assert.Contains("EUR", refused.Message);
        Assert.IsType<OverflowException>(refused.InnerException);
    }
}
