using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Dialog360.MM.Core.Campaigns;
using Dialog360.MM.Core.Webhooks;

namespace Dialog360.MM.Core.Tests.Webhooks;

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
