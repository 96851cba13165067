using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using static Dialog360.MM.Core.Reporting.ReportCharts;

namespace Dialog360.MM.Core.Reporting;

/// <summary>
/// Writes a <see cref="CampaignReport"/> as one self-contained HTML page: inline CSS, inline SVG charts, no script and
/// no address of anything to fetch (a Content-Security-Policy forbids every load, so a browser shows it offline and a
/// mail client has nothing to block). Every number sits in a table as well as in a chart, marked with data-mm (the
/// summary's property), data-key (its row) and data-value (the exact value), so tests and scripts can read them back.
/// Laid out in one column for a screen, a mail client and an A4 page.
/// </summary>
internal static class ReportHtml
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    // Stage colours, used alike in charts, legends and tables.
    private const string MessagesColor = "#64748b", SentColor = "#3b82f6", DeliveredColor = "#0d9488", ReadColor = "#16a34a",
        ClickedColor = "#9333ea", LiteColor = "#0d9488", MarketingColor = "#3b82f6", OtherColor = "#d97706", EstimateColor = "#94a3b8";

    public static string Write(CampaignReport report)
    {
        var html = new HtmlText();
        Head(html, report);
        Masthead(html, report);
        Tiles(html, report);
        Funnel(html, report);
        Timeline(html, report);
        Failures(html, report);
        Audience(html, report);
        Cost(html, report);
        if (report.ActualCosts.Count > 0) ActualCost(html, report);
        if (report.Analytics.Count > 0) Analytics(html, report);
        if (report.GroupBy != CampaignGrouping.None) Groups(html, report);
        Footer(html, report);
        html.Markup("</div>\n</body>\n</html>\n");
        return html.ToString();
    }

    private static void Head(HtmlText html, CampaignReport report)
    {
        html.Markup("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Markup("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            // Nothing may be loaded: not a script, a font, an image or a style sheet. Inline styles only.
            .Markup("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n")
            .Open("meta", ("name", "generator"), ("content", "Dialog360.MM " + report.ModuleVersion)).Markup("\n")
            .Open("title").Text(report.Title + " – campaign report").Close("title").Markup("\n")
            .Markup("<style>\n").Markup(Css).Markup("</style>\n</head>\n<body>\n<div class=\"page\">\n");
    }

    private static void Masthead(HtmlText html, CampaignReport report)
    {
        var total = report.Total;
        html.Markup("<header class=\"masthead\">\n<p class=\"kicker\">WhatsApp marketing messages · campaign report</p>\n")
            .Open("h1").Untrusted(report.Title).Close("h1").Markup("\n<p class=\"period\">");
        if (report.Timeline.First is DateTimeOffset first && report.Timeline.Last is DateTimeOffset last) html.Text(Period(first, last));
        else html.Text("No status webhook carried a time");
        html.Text(" · ").Text(Plural(total.Messages, "message")).Text(" to ").Text(Plural(total.Recipients, "person", "people"))
            .Markup("</p>\n</header>\n");
    }

    private static void Tiles(HtmlText html, CampaignReport report)
    {
        var t = report.Total;
        html.Markup("<table class=\"tiles\" role=\"presentation\"><tr>\n");
        Tile(html, "Messages", Number("total.Messages", null, t.Messages), "to " + Plural(t.Recipients, "person", "people"));
        Tile(html, "Delivered", Number("total.Delivered", null, t.Delivered), Percent(t.DeliveryRate) + " of messages");
        Tile(html, "Read", Number("total.Read", null, t.Read), Percent(t.ReadRate) + " of delivered");
        Tile(html, "Clicked", Number("total.Clicked", null, t.Clicked), Percent(t.ClickRate) + " of delivered");
        if (report.HasRateCard)
            Tile(html, "Estimated cost", Money("total.EstimatedCost", null, t.EstimatedCost, t.Currency),
                t.PricedMessages == 0 ? Plural(CampaignReport.Billable(t), "billable message")
                : Plural(t.EstimatedMessages, "message") + "; actual " + string.Join(" + ", t.ActualCosts.Select(c => MoneyText(c.Amount, c.Currency))) +
                  " for " + Count(t.PricedMessages) + " more");
        else
            Tile(html, "Failed", Number("total.Failed", null, t.Failed), "never delivered");
        html.Markup("</tr></table>\n");
    }

    private static void Tile(HtmlText html, string label, Cell value, string note)
    {
        html.Markup("<td class=\"tile\"><div class=\"tile-label\">").Text(label).Markup("</div>");
        value.Write(html, "div", "tile-value");
        html.Markup("<div class=\"tile-note\">").Text(note).Markup("</div></td>\n");
    }

    private static void Funnel(HtmlText html, CampaignReport report)
    {
        var t = report.Total;
        OpenSection(html, "funnel", "From sent to clicked",
            "Each message counts once, at the furthest it got: a read message was also delivered and sent. Each click on a link counts once.", chartFollows: true);
        double Share(int n) => t.Messages == 0 ? 0 : (double)n / t.Messages;
        var rows = new List<BarRow>
        {
            new("Messages", Count(t.Messages), new Segment("Messages", t.Messages, MessagesColor)),
            new("Sent", $"{Count(t.Sent)} · {Percent(Share(t.Sent))}", new Segment("Sent", t.Sent, SentColor)),
            new("Delivered", $"{Count(t.Delivered)} · {Percent(Share(t.Delivered))}", new Segment("Delivered", t.Delivered, DeliveredColor)),
            new("Read", $"{Count(t.Read)} · {Percent(Share(t.Read))}", new Segment("Read", t.Read, ReadColor)),
            new("Clicked", $"{Count(t.Clicked)} · {Percent(Share(t.Clicked))}", new Segment("Clicked", t.Clicked, ClickedColor)),
        };
        HorizontalBars(html, $"Funnel: {Count(t.Messages)} messages, {Count(t.Delivered)} delivered, {Count(t.Read)} read, {Count(t.Clicked)} clicked", rows, 110);
        EndKeep(html);

        html.Markup("<table class=\"data\"><thead><tr><th>Stage</th><th class=\"n\">Messages</th><th class=\"n\">Of all messages</th><th class=\"n\">Of delivered</th><th class=\"meaning\">What it means</th></tr></thead><tbody>\n");
        FunnelRow(html, MessagesColor, "Messages", Number("total.Messages", null, t.Messages), "", "", "Sent by the campaign, each counted once");
        FunnelRow(html, SentColor, "Sent", Number("total.Sent", null, t.Sent), Percent(Share(t.Sent)), "", "WhatsApp took the message on its way");
        FunnelRow(html, DeliveredColor, "Delivered", Number("total.Delivered", null, t.Delivered), Percent(t.DeliveryRate), "", "On the person's phone");
        FunnelRow(html, ReadColor, "Read", Number("total.Read", null, t.Read), Percent(Share(t.Read)), Percent(t.ReadRate), "Opened (people who turned read receipts off are not counted)");
        FunnelRow(html, ClickedColor, "Clicked", Number("total.Clicked", null, t.Clicked), Percent(Share(t.Clicked)), Percent(t.ClickRate), "Taps on the message's links (sent with -ActivitySharing)");
        FunnelRow(html, "#dc2626", "Failed", Number("total.Failed", null, t.Failed), Percent(Share(t.Failed)), "", "Never delivered (see below)");
        if (report.HasJournal)
            FunnelRow(html, "#cbd5e1", "Waiting", Number("total.Pending", null, t.Pending), Percent(Share(t.Pending)), "", "Sent, but no status has come back yet");
        html.Markup("</tbody></table>\n");
        CloseSection(html);
    }

    private static void FunnelRow(HtmlText html, string color, string stage, Cell count, string ofAll, string ofDelivered, string meaning)
    {
        html.Markup("<tr><td class=\"stage\">").Open("span", ("class", "swatch"), ("style", "background:" + color)).Close("span").Text(stage).Markup("</td>");
        count.Write(html, "td", "n");
        html.Element("td", ofAll, ("class", "n")).Element("td", ofDelivered, ("class", "n")).Element("td", meaning, ("class", "muted meaning")).Markup("</tr>\n");
    }

    private static void Timeline(HtmlText html, CampaignReport report)
    {
        var timeline = report.Timeline;
        var unit = BucketName(timeline.BucketSize);
        OpenSection(html, "timeline", "Deliveries and reads over time",
            timeline.Buckets.Count == 0
                ? "No status webhook carried a time, so there is nothing to draw."
                : $"Messages delivered and read per {unit} (UTC). Each message counts once, when it was first delivered and when it was first read.",
            chartFollows: timeline.Buckets.Count > 0);
        if (timeline.Buckets.Count > 0)
        {
            var labels = timeline.Buckets.Select(b => BucketLabel(b.Start, timeline)).ToList();
            Columns(html, $"Messages delivered and read per {unit}", labels, new[]
            {
                new Series("Delivered", DeliveredColor, timeline.Buckets.Select(b => b.Delivered).ToList()),
                new Series("Read", ReadColor, timeline.Buckets.Select(b => b.Read).ToList()),
            });
            EndKeep(html);
            html.Markup("<table class=\"data\"><thead><tr>").Element("th", $"{Capital(unit)} from (UTC)")
                .Markup("<th class=\"n\">Sent</th><th class=\"n\">Delivered</th><th class=\"n\">Read</th></tr></thead><tbody>\n");
            foreach (var b in timeline.Buckets.Where(b => b.Sent + b.Delivered + b.Read > 0))
            {
                var key = b.Start.ToString("yyyy-MM-ddTHH:mm:ssZ", Invariant);
                html.Markup("<tr>").Element("td", b.Start.ToString(BucketFormat(timeline, full: true), Invariant));
                Number("timeline.Sent", key, b.Sent).Write(html, "td", "n");
                Number("timeline.Delivered", key, b.Delivered).Write(html, "td", "n");
                Number("timeline.Read", key, b.Read).Write(html, "td", "n");
                html.Markup("</tr>\n");
            }
            html.Markup("<tr class=\"total\"><td>In all</td>")
                .Element("td", Count(timeline.Buckets.Sum(b => b.Sent)), ("class", "n"))
                .Element("td", Count(timeline.Buckets.Sum(b => b.Delivered)), ("class", "n"))
                .Element("td", Count(timeline.Buckets.Sum(b => b.Read)), ("class", "n")).Markup("</tr>\n</tbody></table>\n");
        }
        if (timeline.UntimedSent + timeline.UntimedDelivered + timeline.UntimedRead > 0)
            Note(html, $"Statuses without a time are in the funnel but not here: {Count(timeline.UntimedSent)} sent, {Count(timeline.UntimedDelivered)} delivered, {Count(timeline.UntimedRead)} read.");
        CloseSection(html);
    }

    private static void Failures(HtmlText html, CampaignReport report)
    {
        var t = report.Total;
        OpenSection(html, "failures", "Messages that failed",
            t.Failed == 0
                ? "No message failed."
                : $"{Plural(t.Failed, "message")} ({Percent(t.Messages == 0 ? null : (double?)t.Failed / t.Messages)} of all) failed and never reached the person. A failure after a delivery does not undo it.");
        if (report.Failures.Count > 0)
        {
            html.Markup("<table class=\"data\"><thead><tr><th>Code</th><th>What WhatsApp said</th><th class=\"n\">Messages</th><th>What to do</th></tr></thead><tbody>\n");
            foreach (var f in report.Failures)
            {
                var code = f.Code?.ToString(Invariant);
                html.Markup("<tr>").Element("td", code ?? "no code", ("class", "code")).Markup("<td class=\"name\">").Untrusted(f.Title ?? "(no title)").Markup("</td>");
                Number("failure.Count", code ?? "", f.Count).Write(html, "td", "n");
                html.Element("td", f.Hint ?? "A code this module does not know: look it up in Meta's list of WhatsApp error codes.", ("class", "muted")).Markup("</tr>\n");
            }
            html.Markup("</tbody></table>\n");
        }
        CloseSection(html);
    }

    private static void Audience(HtmlText html, CampaignReport report)
    {
        var t = report.Total;
        OpenSection(html, "people", "Opt-outs, held and paused messages", null);
        html.Markup("<table class=\"data\"><thead><tr><th></th><th class=\"n\">Count</th><th class=\"meaning\">What it means</th></tr></thead><tbody>\n");
        Row(html, "Stopped marketing messages", Number("optouts.Stopped", null, report.OptedOut),
            "People who asked, in WhatsApp, for no more marketing messages from this number (their latest choice). Add-MMSuppression keeps them out of later campaigns.");
        if (report.Resumed > 0)
            Row(html, "Asked for them again", Number("optouts.Resumed", null, report.Resumed), "People whose latest choice was to receive marketing messages again.");
        if (report.HasJournal)
        {
            Row(html, "Held for quality assessment", Number("total.HeldForQuality", null, t.HeldForQuality),
                "Meta accepted these and holds them while it watches the campaign's early feedback; they may still be delivered, or fail.");
            Row(html, "Paused", Number("total.Paused", null, t.Paused), "Their template was paused when they were sent.");
            Row(html, "Waiting for a status", Number("total.Pending", null, t.Pending), "Sent, but no webhook has said what happened yet.");
        }
        html.Markup("</tbody></table>\n");
        if (!report.HasJournal) Note(html, "Held, paused and waiting messages are known from the send journal: make the report with -JournalPath to see them.");
        CloseSection(html);
    }

    private static void Row(HtmlText html, string label, Cell count, string meaning)
    {
        html.Markup("<tr>").Element("td", label);
        count.Write(html, "td", "n");
        html.Element("td", meaning, ("class", "muted meaning")).Markup("</tr>\n");
    }

    private static void Cost(HtmlText html, CampaignReport report)
    {
        var t = report.Total;
        var priced = report.HasRateCard;
        OpenSection(html, "cost", priced ? "Cost by market" : "Billable messages by market",
            priced
                ? $"Estimated from the rate card, in {t.Currency}: WhatsApp charges each delivered message by the person's market and the pricing category the webhooks name." +
                  (t.PricedMessages > 0 ? $" The estimate leaves out the {Plural(t.PricedMessages, "message")} whose webhooks named an actual price: see the actual cost below." : "")
                : "WhatsApp charges each delivered message by the person's market and the pricing category the webhooks name. Make the report with -RateCard to see what they cost.",
            chartFollows: report.Markets.Count > 0);
        if (report.Markets.Count == 0)
        {
            Note(html, "No status webhook marked a message billable.");
            CloseSection(html);
            return;
        }
        var shown = report.Markets.Take(12).ToList();
        var rows = shown.Select(m =>
        {
            var lines = report.CostLines.Where(l => l.Market == m.Campaign).ToList();
            var segments = lines.Select(l => new Segment(CategoryName(l.Category),
                priced ? (double)(l.EstimatedCost ?? 0) : l.Billable, CategoryColor(l.Category))).ToArray();
            var text = priced ? CostText(m.EstimatedCost, m.Currency, m.UnpricedMessages, CampaignReport.Billable(m)) : Plural(CampaignReport.Billable(m), "message");
            return new BarRow(MarketName(m.Campaign), text, segments);
        }).ToList();
        HorizontalBars(html, priced ? "Estimated cost by market and pricing category" : "Billable messages by market and pricing category", rows, 220);
        html.Markup("<p class=\"legend\">");
        foreach (var category in report.CostLines.Select(l => l.Category).Distinct().OrderBy(c => c == CostTally.MarketingLite ? 0 : c == CostTally.Marketing ? 1 : 2))
            html.Open("span", ("class", "swatch"), ("style", "background:" + CategoryColor(category))).Close("span").Text(CategoryName(category)).Markup(" &nbsp; ");
        html.Markup("</p>\n");
        EndKeep(html);
        if (report.Markets.Count > shown.Count) Note(html, $"The chart shows the {shown.Count} largest of {report.Markets.Count} markets; the table lists them all.");

        html.Markup("<table class=\"data\"><thead><tr><th>Market</th><th>Pricing category</th><th class=\"n\">Billable messages</th>");
        if (priced) html.Markup("<th class=\"n\">Estimated cost</th>");
        html.Markup("</tr></thead><tbody>\n");
        foreach (var market in report.Markets)
        {
            var lines = report.CostLines.Where(l => l.Market == market.Campaign).ToList();
            html.Markup(lines.Count == 1 ? "<tr>" : "<tr class=\"group\">").Element("td", MarketName(market.Campaign));
            html.Open("td").Text(lines.Count == 1 ? CategoryName(lines[0].Category) : "All categories").Close("td");
            Number("market.Billable", market.Campaign, CampaignReport.Billable(market)).Write(html, "td", "n");
            if (priced) Money("market.EstimatedCost", market.Campaign, market.EstimatedCost, market.Currency,
                CostText(market.EstimatedCost, market.Currency, market.UnpricedMessages, CampaignReport.Billable(market))).Write(html, "td", "n");
            html.Markup("</tr>\n");
            if (lines.Count == 1) continue;
            foreach (var line in lines)
            {
                var key = line.Market + " " + line.Category;
                html.Markup("<tr class=\"sub\"><td></td>").Element("td", CategoryName(line.Category));
                Number("line.Billable", key, line.Billable).Write(html, "td", "n");
                if (priced) Money("line.EstimatedCost", key, line.EstimatedCost, t.Currency, CostText(line.EstimatedCost, t.Currency, line.Unpriced, line.Billable)).Write(html, "td", "n");
                html.Markup("</tr>\n");
            }
        }
        html.Markup("<tr class=\"total\"><td>All markets</td><td></td>");
        Number("total.Billable", null, CampaignReport.Billable(t)).Write(html, "td", "n");
        if (priced) Money("total.EstimatedCost", null, t.EstimatedCost, t.Currency).Write(html, "td", "n");
        html.Markup("</tr>\n</tbody></table>\n");
        if (priced && t.UnpricedMessages > 0)
            html.Markup("<p class=\"warning\">").Text($"The rate card has no price for {Plural(t.UnpricedMessages, "billable message")}, which the estimate leaves out: ")
                .Untrusted(t.MissingRates).Text(". Add those markets to the rate card.").Markup("</p>\n");
        CloseSection(html);
    }

    /// <summary>Drawn only when status webhooks named actual prices (max price templates' pricing.cost).</summary>
    private static void ActualCost(HtmlText html, CampaignReport report)
    {
        var t = report.Total;
        OpenSection(html, "actual-cost", "Actual cost against the estimate",
            "What the status webhooks said delivered messages cost (templates with a max price), beside what the rate card prices the same messages at. " +
            "Messages without an actual price are in the estimate above. The invoice is the final word.", chartFollows: true);
        var rows = new List<BarRow>();
        foreach (var a in report.ActualCosts.Take(12))
        {
            if (a.RateCardEstimate is decimal e)
                rows.Add(new BarRow(MarketName(a.Market) + " · rate card", MoneyText(e, a.Currency), new Segment("Rate card", (double)e, EstimateColor)));
            rows.Add(new BarRow(MarketName(a.Market) + " · actual", MoneyText(a.Amount, a.Currency), new Segment("Actual", (double)a.Amount, DeliveredColor)));
        }
        HorizontalBars(html, "Actual cost against the rate card by market", rows, 210);
        EndKeep(html);
        if (report.ActualCosts.Count > 12) Note(html, $"The chart shows the first 12 of {report.ActualCosts.Count} rows; the table lists them all.");
        html.Markup("<table class=\"data\"><thead><tr><th>Market</th><th class=\"n\">Messages with an actual price</th><th class=\"n\">Actual</th>" +
            "<th class=\"n\">Rate card for the same</th><th class=\"n\">Difference</th><th class=\"n\">Messages estimated</th></tr></thead><tbody>\n");
        foreach (var a in report.ActualCosts)
        {
            var key = a.Market + " " + a.Currency;
            html.Markup("<tr>").Element("td", MarketName(a.Market));
            Number("actual.Messages", key, a.PricedMessages).Write(html, "td", "n");
            Money("actual.Amount", key, a.Amount, a.Currency).Write(html, "td", "n");
            html.Element("td", MoneyText(a.RateCardEstimate, a.Currency), ("class", "n"))
                .Element("td", a.RateCardEstimate is decimal e ? MoneyText(a.Amount - e, a.Currency, signed: true) : "–", ("class", "n"));
            Number("market.EstimatedMessages", a.Market, a.EstimatedMessages).Write(html, "td", "n");
            html.Markup("</tr>\n");
        }
        // One total per currency: amounts in two currencies are never added up.
        foreach (var cost in t.ActualCosts)
        {
            var same = report.ActualCosts.Where(a => a.Currency == cost.Currency).ToList();
            var estimate = same.All(a => a.RateCardEstimate.HasValue) ? same.Sum(a => a.RateCardEstimate!.Value) : (decimal?)null;
            html.Markup("<tr class=\"total\">").Element("td", "All markets, " + cost.Currency);
            Number("actualTotal.Messages", cost.Currency, cost.Messages).Write(html, "td", "n");
            Money("actualTotal.Amount", cost.Currency, cost.Amount, cost.Currency).Write(html, "td", "n");
            html.Element("td", MoneyText(estimate, cost.Currency), ("class", "n"))
                .Element("td", estimate is decimal e ? MoneyText(cost.Amount - e, cost.Currency, signed: true) : "–", ("class", "n"))
                .Element("td", "", ("class", "n")).Markup("</tr>\n");
        }
        html.Markup("</tbody></table>\n");
        if (t.EstimatedMessages > 0)
            Note(html, $"{Plural(t.EstimatedMessages, "billable message")} named no actual price (templates without a max price); " +
                (report.HasRateCard ? "the rate card's estimate above covers them." : "make the report with -RateCard to estimate them."));
        CloseSection(html);
    }

    /// <summary>Drawn only when template analytics rows are given.</summary>
    private static void Analytics(HtmlText html, CampaignReport report)
    {
        OpenSection(html, "analytics", "Template analytics from 360dialog",
            "Meta's own daily figures per template. They are counted apart from the webhooks, so they may differ a little from the numbers above.", chartFollows: true);
        var days = report.Analytics.GroupBy(r => r.Day).OrderBy(g => g.Key).ToList();
        if (days.Count <= ReportTimeline.MaxBuckets)
            Columns(html, "Messages delivered and read per day (template analytics)", days.Select(d => d.Key.ToString("d MMM", Invariant)).ToList(), new[]
            {
                new Series("Delivered", DeliveredColor, days.Select(d => (int)Math.Min(int.MaxValue, d.Sum(r => r.Delivered))).ToList()),
                new Series("Read", ReadColor, days.Select(d => (int)Math.Min(int.MaxValue, d.Sum(r => r.Read))).ToList()),
            });
        EndKeep(html);
        html.Markup("<table class=\"data\"><thead><tr><th>Day</th><th>Template</th><th class=\"n\">Sent</th><th class=\"n\">Delivered</th><th class=\"n\">Read</th><th class=\"n\">Clicked</th><th class=\"n\">Amount spent (account currency)</th></tr></thead><tbody>\n");
        foreach (var r in report.Analytics)
        {
            var key = r.Day.ToString("yyyy-MM-dd", Invariant) + " " + r.Template;
            html.Markup("<tr>").Element("td", r.Day.ToString("d MMM yyyy", Invariant)).Markup("<td class=\"name\">").Untrusted(r.Template).Markup("</td>");
            Number("analytics.Sent", key, r.Sent).Write(html, "td", "n");
            Number("analytics.Delivered", key, r.Delivered).Write(html, "td", "n");
            Number("analytics.Read", key, r.Read).Write(html, "td", "n");
            Number("analytics.Clicked", key, r.Clicked).Write(html, "td", "n");
            if (r.AmountSpent is decimal spent) Money("analytics.AmountSpent", key, spent, null).Write(html, "td", "n");
            else html.Element("td", "–", ("class", "n"));
            html.Markup("</tr>\n");
        }
        html.Markup("</tbody></table>\n");
        CloseSection(html);
    }

    private static void Groups(HtmlText html, CampaignReport report)
    {
        var what = report.GroupBy switch
        {
            CampaignGrouping.CallbackData => "callback data",
            CampaignGrouping.Template => "template",
            _ => "market",
        };
        OpenSection(html, "groups", "By " + what, "The same counts for each " + what + ", as Measure-MMCampaign -GroupBy " + report.GroupBy + " gives them.");
        var priced = report.HasRateCard;
        html.Markup("<table class=\"data\"><thead><tr>").Element("th", Capital(what))
            .Markup("<th class=\"n\">Messages</th><th class=\"n\">Delivered</th><th class=\"n\">Read</th><th class=\"n\">Failed</th><th class=\"n\">Clicked</th><th class=\"n\">Delivered of all</th><th class=\"n\">Read of delivered</th>");
        if (priced) html.Markup("<th class=\"n\">Estimated cost</th>");
        html.Markup("</tr></thead><tbody>\n");
        foreach (var g in report.Groups)
        {
            html.Markup("<tr><td class=\"name\">").Untrusted(report.GroupBy == CampaignGrouping.Market ? MarketName(g.Campaign) : g.Campaign).Markup("</td>");
            Number("group.Messages", g.Campaign, g.Messages).Write(html, "td", "n");
            Number("group.Delivered", g.Campaign, g.Delivered).Write(html, "td", "n");
            Number("group.Read", g.Campaign, g.Read).Write(html, "td", "n");
            Number("group.Failed", g.Campaign, g.Failed).Write(html, "td", "n");
            Number("group.Clicked", g.Campaign, g.Clicked).Write(html, "td", "n");
            html.Element("td", Percent(g.DeliveryRate), ("class", "n")).Element("td", Percent(g.ReadRate), ("class", "n"));
            if (priced) Money("group.EstimatedCost", g.Campaign, g.EstimatedCost, g.Currency).Write(html, "td", "n");
            html.Markup("</tr>\n");
        }
        html.Markup("</tbody></table>\n");
        CloseSection(html);
    }

    private static void Footer(HtmlText html, CampaignReport report)
    {
        html.Markup("<footer>\n<p>").Text("Made with Dialog360.MM " + report.ModuleVersion + " (Export-MMCampaignReport) on " +
            report.GeneratedAt.UtcDateTime.ToString("d MMM yyyy 'at' HH:mm 'UTC'", Invariant));
        if (report.Sources.Count > 0)
        {
            html.Text(" from ");
            for (var i = 0; i < report.Sources.Count; i++)
            {
                if (i > 0) html.Text(i == report.Sources.Count - 1 ? " and " : ", ");
                html.Untrusted(report.Sources[i]);
            }
        }
        html.Text(". Measure-MMCampaign gives the same numbers for the same files.").Markup("</p>\n</footer>\n");
    }

    /// <summary>
    /// A section's heading and lead, kept on one printed page with the chart that follows when
    /// <paramref name="chartFollows"/> (the caller ends the block with <see cref="EndKeep"/> after the chart).
    /// </summary>
    private static void OpenSection(HtmlText html, string id, string heading, string? lead, bool chartFollows = false)
    {
        html.Open("section", ("id", id)).Markup("\n<div class=\"keep\">").Element("h2", heading).Markup("\n");
        if (lead != null) html.Element("p", lead, ("class", "lead")).Markup("\n");
        if (!chartFollows) EndKeep(html);
    }

    private static void EndKeep(HtmlText html) => html.Markup("</div>\n");

    private static void CloseSection(HtmlText html) => html.Markup("</section>\n");

    private static void Note(HtmlText html, string text) => html.Element("p", text, ("class", "note")).Markup("\n");

    /// <summary>A number on the page with what it is (data-mm, data-key) and its exact value (data-value).</summary>
    private readonly struct Cell
    {
        private readonly string _field;
        private readonly string? _key;
        private readonly string _value;
        private readonly string _display;

        public Cell(string field, string? key, string value, string display)
        {
            _field = field;
            _key = key;
            _value = value;
            _display = display;
        }

        public void Write(HtmlText html, string tag, string cssClass) =>
            html.Open(tag, ("class", cssClass), ("data-mm", _field), ("data-key", _key), ("data-value", _value)).Text(_display).Close(tag);
    }

    private static Cell Number(string field, string? key, long value) => new(field, key, value.ToString(Invariant), Count(value));

    private static Cell Money(string field, string? key, decimal? value, string? currency, string? display = null) =>
        new(field, key, value?.ToString(Invariant) ?? "", display ?? MoneyText(value, currency));

    /// <summary>An estimate that says what it leaves out: "no price" when the card priced none of the messages.</summary>
    private static string CostText(decimal? amount, string? currency, int unpriced, int billable) =>
        unpriced == 0 ? MoneyText(amount, currency)
        : unpriced >= billable ? "no price"
        : MoneyText(amount, currency) + " + " + Plural(unpriced, "unpriced message");

    private static string Count(long n) => n.ToString("N0", Invariant);

    private static string Percent(double? fraction) => fraction is double f ? (f * 100).ToString("0.0", Invariant) + "%" : "–";

    private static string MoneyText(decimal? amount, string? currency, bool signed = false) => amount is decimal a
        ? (signed && Math.Round(a, 2, MidpointRounding.AwayFromZero) > 0 ? "+" : "") + a.ToString("N2", Invariant) + (currency is null ? "" : " " + currency)
        : "–";

    private static string Plural(long n, string one, string? many = null) => Count(n) + " " + (n == 1 ? one : many ?? one + "s");

    private static string Capital(string s) => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s.Substring(1);

    private static string Period(DateTimeOffset first, DateTimeOffset last)
    {
        var a = first.UtcDateTime;
        var b = last.UtcDateTime;
        if (a.Date == b.Date) return a.ToString("d MMM yyyy, HH:mm", Invariant) + "–" + b.ToString("HH:mm", Invariant) + " UTC";
        return a.ToString("d MMM yyyy, HH:mm", Invariant) + " – " + b.ToString("d MMM yyyy, HH:mm", Invariant) + " UTC";
    }

    private static string BucketName(TimeSpan size)
    {
        if (size.TotalDays >= 7) return size.TotalDays == 7 ? "week" : (size.TotalDays / 7).ToString("0", Invariant) + " weeks";
        if (size.TotalDays >= 1) return "day";
        if (size.TotalHours >= 1) return size.TotalHours == 1 ? "hour" : ((int)size.TotalHours).ToString(Invariant) + " hours";
        return size.TotalMinutes == 1 ? "minute" : ((int)size.TotalMinutes).ToString(Invariant) + " minutes";
    }

    private static string BucketFormat(ReportTimeline timeline, bool full)
    {
        if (timeline.BucketSize.TotalDays >= 1) return "d MMM yyyy";
        var oneDay = timeline.First?.UtcDateTime.Date == timeline.Last?.UtcDateTime.Date;
        return full ? "d MMM yyyy, HH:mm" : oneDay ? "HH:mm" : "d MMM HH:mm";
    }

    private static string BucketLabel(DateTimeOffset start, ReportTimeline timeline) =>
        start.UtcDateTime.ToString(timeline.BucketSize.TotalDays >= 1 ? "d MMM" : BucketFormat(timeline, full: false), Invariant);

    /// <summary>A market as people know it: "United Kingdom (GB)"; a calling code or "(unknown)" as Measure-MMCampaign shows it.</summary>
    internal static string MarketName(string market)
    {
        if (market == Market.Unknown) return "Unknown market";
        if (market.StartsWith("+", StringComparison.Ordinal)) return "Calling code " + market;
        if (market.Length != 2 || !char.IsUpper(market[0]) || !char.IsUpper(market[1])) return market;
        try { return new RegionInfo(market).EnglishName + " (" + market + ")"; }
        catch (ArgumentException) { return market; }
    }

    private static string CategoryName(string category) => category switch
    {
        CostTally.MarketingLite => "Marketing Messages API (marketing_lite)",
        CostTally.Marketing => "Cloud API marketing (marketing)",
        "" => "No category given",
        _ => category,
    };

    private static string CategoryColor(string category) => category switch
    {
        CostTally.MarketingLite => LiteColor,
        CostTally.Marketing => MarketingColor,
        _ => OtherColor,
    };

    private const string Css = """
        @page { size: A4; margin: 12mm 12mm 14mm; }
        * { box-sizing: border-box; }
        html { -webkit-text-size-adjust: 100%; }
        body { margin: 0; background: #eef2f6; color: #1b2430; font: 14px/1.5 -apple-system, BlinkMacSystemFont, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Liberation Sans", sans-serif; }
        .page { max-width: 860px; margin: 0 auto; padding: 24px 16px 32px; }
        .masthead { background: #0f3d3a; color: #ffffff; border-radius: 12px; padding: 22px 26px 20px; }
        .kicker { margin: 0; font-size: 12px; letter-spacing: .08em; text-transform: uppercase; color: #8fdccb; }
        h1 { margin: 4px 0 6px; font-size: 28px; line-height: 1.2; font-weight: 700; }
        .period { margin: 0; color: #d3ece6; }
        .tiles { width: 100%; width: calc(100% + 16px); border-collapse: separate; border-spacing: 8px 0; margin: 14px -8px 0; table-layout: fixed; }
        .tile { background: #ffffff; border: 1px solid #dfe5ec; border-radius: 10px; padding: 12px 14px; vertical-align: top; }
        .tile-label { font-size: 11px; letter-spacing: .05em; text-transform: uppercase; color: #5b6675; }
        .tile-value { font-size: 26px; font-weight: 700; line-height: 1.25; font-variant-numeric: tabular-nums; white-space: nowrap; }
        .tile-note { font-size: 12px; color: #5b6675; }
        section { background: #ffffff; border: 1px solid #dfe5ec; border-radius: 12px; padding: 18px 22px 16px; margin-top: 14px; }
        h2 { font-size: 18px; margin: 0 0 2px; }
        .lead { margin: 0 0 10px; color: #5b6675; }
        svg { display: block; width: 100%; height: auto; max-width: 760px; margin: 4px 0 12px; overflow: visible; }
        svg text { font-size: 13px; fill: #1b2430; }
        svg .label { font-weight: 600; }
        svg .value { fill: #334155; font-variant-numeric: tabular-nums; }
        svg .tick { font-size: 11px; fill: #5b6675; }
        svg .legend { font-size: 12px; fill: #334155; }
        svg .track { fill: #f1f4f8; }
        svg .grid { stroke: #e5e9ef; stroke-width: 1; }
        svg .axis { stroke: #94a3b8; stroke-width: 1; }
        table.data { width: 100%; border-collapse: collapse; font-size: 13px; margin-top: 4px; }
        table.data th { text-align: left; font-weight: 600; color: #5b6675; font-size: 12px; border-bottom: 2px solid #dfe5ec; padding: 6px 8px; }
        table.data td { border-bottom: 1px solid #edf0f4; padding: 6px 8px; vertical-align: top; }
        td.name { overflow-wrap: anywhere; }
        .n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
        th.n { text-align: right; }
        .muted { color: #5b6675; }
        .code { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, "Liberation Mono", monospace; white-space: nowrap; }
        tr.group td { font-weight: 600; }
        tr.sub td { color: #5b6675; border-bottom-style: dotted; }
        tr.total td { font-weight: 700; border-top: 2px solid #dfe5ec; border-bottom: none; }
        td.stage { white-space: nowrap; }
        .swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 7px; }
        .legend { margin: -4px 0 8px; font-size: 12px; color: #334155; }
        .note { margin: 8px 0 0; font-size: 12.5px; color: #5b6675; }
        .warning { margin: 10px 0 0; padding: 8px 12px; border-radius: 8px; background: #fff7e6; color: #7a4b00; font-size: 13px; }
        footer { margin-top: 14px; padding: 0 4px; font-size: 12px; color: #5b6675; }
        @media (max-width: 620px) {
          .page { padding: 12px 8px 24px; }
          section { padding: 14px 12px 12px; }
          .tiles { width: 100%; margin: 14px 0 0; }
          .tiles, .tiles tbody { display: block; }
          .tiles tr { display: flex; flex-wrap: wrap; gap: 8px; }
          .tile { display: block; flex: 1 1 40%; }
          table.data { font-size: 12px; }
          table.data th, table.data td { padding: 5px 4px; }
          .meaning { display: none; }
        }
        @media print {
          html, body { background: #ffffff; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
          body { font-size: 10pt; }
          .page { max-width: none; padding: 0; }
          .masthead { border-radius: 0; }
          section { border: none; border-radius: 0; padding: 0; margin-top: 7mm; }
          h2 { border-bottom: 1px solid #cfd6de; padding-bottom: 2px; margin-bottom: 4px; }
          .keep, svg, tr, .tiles, .masthead { break-inside: avoid; page-break-inside: avoid; }
          h2, .lead { break-after: avoid; page-break-after: avoid; }
          thead { display: table-header-group; }
          #people, #failures { break-inside: avoid; page-break-inside: avoid; }
        }

        """;
}
