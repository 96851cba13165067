using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Dialog360.MM.Core.Reporting;
using Dialog360.MM.Core.State;
using Dialog360.MM.Core.Tests.Webhooks;
using Dialog360.MM.Core.Webhooks;

namespace Dialog360.MM.Core.Tests.Reporting;

/// <summary>Messages whose statuses name the recipient by business-scoped user ID only: placed by the BSUID's country.</summary>
public class BsuidPlacementTests
{
    private static List<MMWebhookEvent> Statuses()
    {
        using var stream = File.OpenRead(WebhookReaderTests.Fixture("bsuid-statuses.jsonl"));
        return WebhookReader.Read(stream, "bsuid-statuses.jsonl", e => Assert.Fail(e.ToString())).ToList();
    }

    private static Dictionary<string, MMCampaignSummary> ByMarket(IEnumerable<MMWebhookEvent> events, RateCard? card = null,
        IReadOnlyDictionary<string, SendJournalEntry>? journal = null)
    {
        var funnel = new Funnel(CampaignGrouping.Market, journal, card);
        foreach (var e in events) funnel.Add(e);
        return funnel.Summarize().ToDictionary(r => r.Campaign);
    }

    [Fact]
    public void A_message_known_only_by_BSUID_goes_to_its_country_and_is_priced_there()
    {
        // DE: a BSUID without a number; BR: a BSUID whose contact gives the number; IN: a failed status with only the BSUID.
        var card = RateCard.Parse(new StringReader("Market,Category,Price,Currency\nGB,marketing_lite,0.0380,EUR\n49,marketing_lite,0.1000,EUR\n"), "card.csv");
        var rows = ByMarket(Statuses(), card);
        Assert.Equal(new[] { "BR", "DE", "GB", "IN" }, rows.Keys.OrderBy(k => k, StringComparer.Ordinal));
        Assert.Equal((1, 1, 1), (rows["DE"].Messages, rows["DE"].Delivered, rows["DE"].Recipients));
        Assert.Equal(0.1000m, rows["DE"].EstimatedCost);
        Assert.Equal((1, 1), (rows["IN"].Messages, rows["IN"].Failed));
        Assert.Equal(1, rows["BR"].Read);
        Assert.Equal(0.0380m, rows["GB"].EstimatedCost);
    }

    [Fact]
    public void A_file_places_BSUID_only_statuses_as_their_events_do()
    {
        var path = WebhookReaderTests.Fixture("bsuid-statuses.jsonl");
        var fromFile = new Funnel(CampaignGrouping.Market);
        fromFile.AddFile(path, e => Assert.Fail(e.ToString()));
        var fromEvents = ByMarket(Statuses());
        Assert.Equal(
            fromEvents.OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => (r.Key, r.Value.Messages, r.Value.Recipients)),
            fromFile.Summarize().OrderBy(r => r.Campaign, StringComparer.Ordinal).Select(r => (r.Campaign, r.Messages, r.Recipients)));
        Assert.DoesNotContain(fromFile.Summarize(), r => r.Campaign == Market.Unknown);
    }

    [Fact]
    public void A_status_whose_recipient_is_unknown_stays_an_unknown_market()
    {
        var text = "{\"entry\":[{\"changes\":[{\"field\":\"messages\",\"value\":{\"statuses\":[{\"id\":\"wamid.X\",\"status\":\"sent\"}]}}]}]}\n";
        var events = WebhookReader.Read(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(text)), "t", e => Assert.Fail(e.ToString())).ToList();
        Assert.Equal(Market.Unknown, Assert.Single(ByMarket(events).Keys));
    }

    [Theory]
    [InlineData("US.13491208655302741918", "US", 1)]
    [InlineData("DE.ENT.5510293", "DE", 49)]
    [InlineData("BR.9021776", "BR", 55)]
    public void A_BSUID_is_in_the_market_of_its_country_prefix(string userId, string region, int callingCode)
    {
        var market = Market.Of(userId);
        Assert.Equal((region, callingCode), (market.Region, market.CallingCode));
    }

    [Fact]
    public void A_BSUID_prefix_no_country_has_is_an_unknown_market()
    {
        Assert.Equal(Market.Unknown, Market.Of("XX.123456").ToString());
    }

    [Fact]
    public void A_pending_send_to_a_BSUID_is_placed_by_the_journal()
    {
        var journal = Path.Combine(Path.GetTempPath(), $"journal-{Guid.NewGuid():N}.jsonl");
        File.WriteAllText(journal, "{\"kind\":\"outcome\",\"userId\":\"DE.2281907364512\",\"templateName\":\"spring\",\"status\":\"Accepted\",\"messageId\":\"wamid.J1\"}\n");
        try
        {
            var rows = ByMarket(Array.Empty<MMWebhookEvent>(), journal: SendJournalReader.ReadIndex(journal));
            Assert.Equal((1, 1), (rows["DE"].Pending, rows["DE"].Recipients));
        }
        finally { File.Delete(journal); }
    }
}
