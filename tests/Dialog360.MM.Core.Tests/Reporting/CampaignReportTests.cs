using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using Dialog360.MM.Core.Reporting;
using Dialog360.MM.Core.State;
using Dialog360.MM.Core.Webhooks;

using Dialog360.MM.Core.Tests.Webhooks;

namespace Dialog360.MM.Core.Tests.Reporting;

/// <summary>The report's model takes its numbers from the funnel's own summaries; its timeline and opt-outs follow the fold's rules.</summary>
public class CampaignReportTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    private static MMStatusEvent Status(string id, string status, DateTimeOffset? at, string recipient = "447911123456", string? category = "marketing_lite",
        int? error = null, string? title = null, string? callback = "spring") => new()
    {
        MessageId = id,
        Status = status,
        Timestamp = at,
        RecipientId = recipient,
        Billable = status is "delivered" or "read" ? true : null,
        PricingCategory = category,
        ErrorCode = error,
        ErrorTitle = title,
        CallbackData = callback,
    };

    private static MMUserPreferenceEvent Preference(string? waId, string? userId, string value, long at) => new()
    {
        WaId = waId,
        UserId = userId,
        Value = value,
        Category = "marketing_messages",
        Timestamp = DateTimeOffset.FromUnixTimeSeconds(at),
    };

    private static List<MMWebhookEvent> Fixtures(params string[] names)
    {
        var events = new List<MMWebhookEvent>();
        foreach (var name in names)
        {
            using var stream = File.OpenRead(WebhookReaderTests.Fixture(name));
            events.AddRange(WebhookReader.Read(stream, name, _ => { }));
        }
        return events;
    }

    private static Funnel Fold(IEnumerable<MMWebhookEvent> events, CampaignGrouping groupBy = CampaignGrouping.None,
        Dictionary<string, SendJournalEntry>? journal = null, RateCard? card = null)
    {
        var funnel = new Funnel(groupBy, journal, card);
        foreach (var e in events) funnel.Add(e);
        return funnel;
    }

    private static CampaignReport Report(Funnel funnel, CampaignGrouping groupBy = CampaignGrouping.None, bool journal = false) =>
        CampaignReport.From(funnel, new ReportOptions { Title = "Spring", GeneratedAt = T0, GroupBy = groupBy, ModuleVersion = "0.3.0" }, journal);

    [Fact]
    public void One_fold_summarized_by_another_grouping_gives_the_rows_a_funnel_of_that_grouping_gives()
    {
        var events = Fixtures("campaign.jsonl", "pricing.jsonl");
        var journal = SendJournalReader.ReadIndex(WebhookReaderTests.Fixture("journal.jsonl"));
        var card = RateCard.Load(WebhookReaderTests.Fixture("rate-card.csv"));
        var one = Fold(events, CampaignGrouping.None, journal, card);
        foreach (var grouping in new[] { CampaignGrouping.None, CampaignGrouping.CallbackData, CampaignGrouping.Template, CampaignGrouping.Market })
        {
            var expected = Fold(events, grouping, journal, card).Summarize();
            var actual = one.Summarize(grouping);
            Assert.Equal(Json(expected), Json(actual));
        }
    }

    [Fact]
    public void The_report_holds_measures_rows_and_cost_lines_that_add_up_to_their_market()
    {
        var events = Fixtures("campaign.jsonl", "pricing.jsonl");
        var card = RateCard.Load(WebhookReaderTests.Fixture("rate-card.csv"));
        var report = Report(Fold(events, card: card), CampaignGrouping.CallbackData);

        Assert.Equal(Json(Fold(events, card: card).Summarize()), Json(new[] { report.Total }));
        Assert.Equal(Json(Fold(events, CampaignGrouping.CallbackData, card: card).Summarize()), Json(report.Groups));
        var markets = Fold(events, CampaignGrouping.Market, card: card).Summarize().Where(m => CampaignReport.Billable(m) > 0).ToDictionary(m => m.Campaign);
        Assert.Equal(markets.Keys.OrderBy(k => k), report.Markets.Select(m => m.Campaign).OrderBy(k => k));
        foreach (var market in report.Markets)
        {
            var lines = report.CostLines.Where(l => l.Market == market.Campaign).ToList();
            Assert.NotEmpty(lines);
            Assert.Equal(CampaignReport.Billable(markets[market.Campaign]), lines.Sum(l => l.Billable));
            Assert.Equal(markets[market.Campaign].EstimatedCost, lines.Sum(l => l.EstimatedCost));
            Assert.Equal(markets[market.Campaign].UnpricedMessages, lines.Sum(l => l.Unpriced));
        }
        Assert.Contains(report.CostLines, l => l.Market == "DE" && l.Category == "marketing");
        // The catalog's advice for each code, the webhook's title beside it.
        var frequency = Assert.Single(report.Failures, f => f.Code == 131049);
        Assert.Contains("24 hours", frequency.Hint);
    }

    [Fact]
    public void Each_message_counts_once_in_the_timeline_at_its_first_status_of_each_kind()
    {
        var events = new List<MMWebhookEvent>
        {
            Status("m1", "sent", T0),
            Status("m1", "delivered", T0.AddMinutes(1)),
            Status("m1", "delivered", T0.AddMinutes(40)), // redelivered later: the first time counts
            Status("m1", "read", T0.AddMinutes(3)),
            Status("m2", "read", T0.AddMinutes(2)),       // delivered and sent missing: counted at the read
            Status("m3", "sent", T0.AddMinutes(9)),
            Status("m3", "failed", T0.AddMinutes(10), error: 131049), // never delivered: not in the timeline
            Status("m4", "delivered", null),             // no time: in the funnel, not in a bucket
        };
        var funnel = Fold(events);
        var row = funnel.Summarize().Single();
        var timeline = funnel.Timeline();

        Assert.Equal(T0, timeline.First);
        Assert.Equal(T0.AddMinutes(40), timeline.Last);
        Assert.Equal(TimeSpan.FromMinutes(5), timeline.BucketSize);
        Assert.Equal(row.Sent, timeline.Buckets.Sum(b => b.Sent) + timeline.UntimedSent);
        Assert.Equal(row.Delivered, timeline.Buckets.Sum(b => b.Delivered) + timeline.UntimedDelivered);
        Assert.Equal(row.Read, timeline.Buckets.Sum(b => b.Read) + timeline.UntimedRead);
        // m3 failed and was never delivered: the funnel counts it as failed, not sent, and so does the timeline.
        Assert.Equal((2, 2, 2), (timeline.Buckets[0].Sent, timeline.Buckets[0].Delivered, timeline.Buckets[0].Read));
        Assert.Equal((1, 1, 0), (timeline.UntimedSent, timeline.UntimedDelivered, timeline.UntimedRead));
        Assert.Equal(9, timeline.Buckets.Count); // 09:00 to 09:40 in five-minute steps, the empty ones kept
    }

    [Fact]
    public void A_file_read_in_parts_gives_the_timeline_and_opt_outs_of_the_file_read_whole()
    {
        var path = Path.Combine(Path.GetTempPath(), "report-" + Guid.NewGuid().ToString("N") + ".jsonl");
        try
        {
            var lines = new List<string>();
            for (var m = 0; m < 400; m++) lines.Add(Delivery(m, "read", 1750263773 + 600 + m * 7));
            for (var m = 0; m < 400; m++) lines.Add(Delivery(m, "sent", 1750263773 + m));
            for (var m = 0; m < 400; m += 2) lines.Add(Delivery(m, "delivered", 1750263773 + 60 + m));
            lines.Add(StopLine("447911000001", "stop", 1750263900));
            lines.Add(StopLine("447911000002", "stop", 1750263900));
            lines.Add(StopLine("447911000001", "resume", 1750264900));
            File.WriteAllText(path, string.Join("\n", lines) + "\n", new UTF8Encoding(false));

            var whole = new Funnel();
            using (var stream = File.OpenRead(path)) whole.AddFrom(stream, path, _ => { });
            var parted = new Funnel();
            parted.AddFile(path, _ => { }, default, WebhookReader.DefaultMaxDeliveryBytes, maxParts: 4, minPartBytes: new FileInfo(path).Length / 4);

            Assert.Equal(Buckets(whole.Timeline()), Buckets(parted.Timeline()));
            Assert.Equal(whole.Timeline().First, parted.Timeline().First);
            Assert.Equal(whole.Timeline().Last, parted.Timeline().Last);
            Assert.Equal((1, 1), whole.OptOuts());
            Assert.Equal(whole.OptOuts(), parted.OptOuts());
            Assert.Equal(400, whole.Timeline().Buckets.Sum(b => b.Read));
        }
        finally { File.Delete(path); }

        static string Buckets(ReportTimeline t) => string.Join(";", t.Buckets.Select(b => $"{b.Start:O} {b.Sent} {b.Delivered} {b.Read}"));
    }

    [Fact]
    public void The_latest_stop_or_resume_of_a_person_counts_whatever_the_order_and_whichever_id_names_them()
    {
        var events = new List<MMWebhookEvent>
        {
            Preference("447911123456", null, "stop", 100),
            Preference("447911123456", "GB.111", "resume", 200), // pairs the number with the BSUID: one person
            Preference(null, "GB.111", "stop", 300),
            Preference("447911999999", null, "stop", 100),
            Preference("447911999999", null, "stop", 100),        // redelivered
            Preference(null, "FR.222", "resume", 50),
            Preference(null, "FR.222", "stop", 50),               // a tie goes to stop
            new MMUserPreferenceEvent { WaId = "447911888888", Value = "stop", Category = "something_else" },
        };
        Assert.Equal((3, 0), Fold(events).OptOuts());
        var random = new Random(7);
        for (var i = 0; i < 20; i++) Assert.Equal((3, 0), Fold(events.OrderBy(_ => random.Next())).OptOuts());
        Assert.Equal((0, 1), Fold(new[] { Preference(null, "GB.111", "stop", 1), Preference(null, "GB.111", "resume", 2) }).OptOuts());
    }

    [Theory]
    [InlineData(0, 600, 60)]                   // ten minutes: per minute
    [InlineData(0, 35 * 60 - 1, 60)]           // 35 minutes, whatever second they start at: minutes
    [InlineData(0, 2 * 3600, 5 * 60)]          // two hours: five minutes
    [InlineData(0, 3 * 86400, 3 * 3600)]       // three days: three hours
    [InlineData(0, 20 * 86400, 86400)]         // twenty days: a day
    [InlineData(0, 200 * 86400, 7 * 86400)]    // half a year: a week
    public void The_period_is_the_smallest_that_keeps_the_chart_to_36_bars(long first, long last, long expected) =>
        Assert.Equal(expected, ReportTimeline.BucketSeconds(1_750_000_000 + first, 1_750_000_000 + last));

    [Fact]
    public void A_stray_timestamp_years_away_does_not_make_thousands_of_bars()
    {
        var funnel = Fold(new[] { Status("a", "delivered", DateTimeOffset.FromUnixTimeSeconds(1)), Status("b", "delivered", T0) });
        var timeline = funnel.Timeline();
        Assert.InRange(timeline.Buckets.Count, 2, ReportTimeline.MaxBuckets + 2);
        Assert.Equal(2, timeline.Buckets.Sum(b => b.Delivered));
        Assert.Equal(DayOfWeek.Monday, timeline.Buckets[0].Start.DayOfWeek);
    }

    [Fact]
    public void Names_from_webhooks_are_text_on_the_page_and_nothing_is_loaded_from_anywhere()
    {
        const string script = "<script>alert(1)</script>";
        const string image = "\"><img src=x onerror=alert(2)>";
        var events = new List<MMWebhookEvent>
        {
            Status("m1", "sent", T0, callback: script),
            Status("m2", "failed", T0, error: 131026, title: image, callback: "https://example.invalid/" + script),
            Status("m3", "delivered", T0, category: "x'><svg onload=alert(3)>"),
        };
        var page = ReportHtml.Write(CampaignReport.From(Fold(events, CampaignGrouping.CallbackData),
            new ReportOptions { Title = "</title>" + script, GeneratedAt = T0, GroupBy = CampaignGrouping.CallbackData, Sources = new[] { "<b>.jsonl" } }, false));

        Assert.DoesNotContain("<script", page, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<img", page, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<svg onload", page, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<b>", page, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", page, StringComparison.Ordinal);
        Assert.Contains("&quot;&gt;&lt;img src=x onerror=alert(2)&gt;", page, StringComparison.Ordinal);
        Assert.Contains("default-src 'none'", page, StringComparison.Ordinal);
        // The only address on the page is the one a webhook gave, as text.
        Assert.All(Regex.Matches(page, "https?:.{20}", RegexOptions.IgnoreCase).Cast<Match>(), m => Assert.StartsWith("https://example.invalid/", m.Value));
        // No tag of the page names anything to load; the style sheet imports nothing.
        Assert.DoesNotMatch(new Regex(@"<[a-z][^<>]*\s(src|href|xlink:href|srcset|action|poster|background)\s*=|url\(|@import", RegexOptions.IgnoreCase), page);
    }

    [Fact]
    public void Text_that_html_cannot_hold_is_replaced_and_pairs_are_kept()
    {
        Assert.Equal("a\uFFFDb\uFFFDc&amp;\U0001F600", HtmlText.Encode("a\u0001b\uD800c&\U0001F600"));
        Assert.Equal("&lt;&gt;&quot;&#39;", HtmlText.Encode("<>\"'"));
    }

    [Fact]
    public void Actual_costs_are_set_against_the_card_price_of_the_same_messages_in_the_same_currency_only()
    {
        var card = RateCard.Load(WebhookReaderTests.Fixture("rate-card.csv"));
        var report = Report(Fold(Fixtures("max-price.jsonl"), card: card));
        // GB: two messages named 0.035 and 0.03 EUR (the card says 0.038 each); two more named none (or a price no
        // delivery can cost), so the card estimates them instead.
        var gb = Assert.Single(report.ActualCosts, a => a.Market == "GB");
        Assert.Equal(("EUR", 0.065m, 2, (decimal?)0.076m, 2), (gb.Currency, gb.Amount, gb.PricedMessages, gb.RateCardEstimate, gb.EstimatedMessages));
        Assert.Equal(0.076m, report.Markets.Single(m => m.Campaign == "GB").EstimatedCost);
        // Dollars are not set against a card in euros.
        Assert.Null(Assert.Single(report.ActualCosts, a => a.Currency == "USD").RateCardEstimate);

        var page = ReportHtml.Write(report);
        Assert.Contains("id=\"actual-cost\"", page, StringComparison.Ordinal);
        Assert.Contains("data-mm=\"actual.Amount\" data-key=\"GB EUR\" data-value=\"0.065\"", page, StringComparison.Ordinal);
        Assert.Contains(">-0.01 EUR<", page, StringComparison.Ordinal);
        // One total per currency, never one sum of both.
        Assert.Contains("data-mm=\"actualTotal.Amount\" data-key=\"USD\" data-value=\"0.012\"", page, StringComparison.Ordinal);
        Assert.Single(Regex.Matches(page, "data-mm=\"actualTotal.Amount\" data-key=\"EUR\"").Cast<Match>());
    }

    [Fact]
    public void Actual_cost_and_analytics_are_drawn_only_when_there_are_some()
    {
        var card = RateCard.Load(WebhookReaderTests.Fixture("rate-card.csv"));
        var report = Report(Fold(Fixtures("pricing.jsonl"), card: card));
        var plain = ReportHtml.Write(report);
        Assert.Empty(report.ActualCosts);
        Assert.DoesNotContain("id=\"actual-cost\"", plain, StringComparison.Ordinal);
        Assert.DoesNotContain("id=\"analytics\"", plain, StringComparison.Ordinal);

        report.WithAnalytics(new[]
            {
                new ReportAnalyticsRow("spring_sale", new DateTime(2026, 3, 2), 10, 9, 5, 2, 0.31m),
                new ReportAnalyticsRow("spring_sale", new DateTime(2026, 3, 1), 4, 4, 1, 0, null),
            });
        var page = ReportHtml.Write(report);
        Assert.Contains("id=\"analytics\"", page, StringComparison.Ordinal);
        Assert.Contains("data-mm=\"analytics.Delivered\" data-key=\"2026-03-02 spring_sale\" data-value=\"9\"", page, StringComparison.Ordinal);
        // Days in order, whatever order the rows came in.
        Assert.True(page.IndexOf("2026-03-01 spring_sale", StringComparison.Ordinal) < page.IndexOf("2026-03-02 spring_sale", StringComparison.Ordinal));
    }

    [Fact]
    public void Every_number_of_the_summary_is_on_the_page_with_its_exact_value()
    {
        var card = RateCard.Load(WebhookReaderTests.Fixture("rate-card.csv"));
        var events = Fixtures("campaign.jsonl", "pricing.jsonl", "user-preferences-stop.json");
        var report = Report(Fold(events, card: card), journal: false);
        var page = ReportHtml.Write(report);
        var t = report.Total;
        foreach (var (field, value) in new (string, object?)[]
        {
            ("total.Messages", t.Messages), ("total.Sent", t.Sent), ("total.Delivered", t.Delivered), ("total.Read", t.Read),
            ("total.Failed", t.Failed), ("total.Clicked", t.Clicked), ("total.EstimatedCost", t.EstimatedCost), ("optouts.Stopped", 1),
        })
            Assert.Contains($"data-mm=\"{field}\" data-value=\"{Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)}\"", page, StringComparison.Ordinal);
        Assert.Contains("United Kingdom (GB)", page, StringComparison.Ordinal);
        Assert.Contains("no price", page, StringComparison.Ordinal); // +44 and IN are not on the card
    }

    private static string Json(IEnumerable<MMCampaignSummary> rows) => System.Text.Json.JsonSerializer.Serialize(rows.ToList());

    private static string Delivery(int message, string status, long at) =>
        "{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"1\",\"changes\":[{\"value\":{\"messaging_product\":\"whatsapp\"," +
        "\"metadata\":{\"display_phone_number\":\"15550783881\",\"phone_number_id\":\"106540352242922\"},\"statuses\":[{\"id\":\"wamid." + message +
        "\",\"status\":\"" + status + "\",\"timestamp\":\"" + at + "\",\"recipient_id\":\"4479110" + message.ToString("D5") + "\"}]},\"field\":\"messages\"}]}]}";

    private static string StopLine(string waId, string value, long at) =>
        "{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"1\",\"changes\":[{\"value\":{\"messaging_product\":\"whatsapp\"," +
        "\"metadata\":{\"display_phone_number\":\"15550783881\",\"phone_number_id\":\"106540352242922\"},\"user_preferences\":[{\"wa_id\":\"" + waId +
        "\",\"detail\":\"d\",\"category\":\"marketing_messages\",\"value\":\"" + value + "\",\"timestamp\":" + at + "}]},\"field\":\"user_preferences\"}]}]}";
}
