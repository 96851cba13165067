using System.Collections.Generic;
using System.Collections.Specialized;
using System.Globalization;
using System.Linq;
using System.Text.Json;
using Dialog360.MM.Emulator.Webhooks;

namespace Dialog360.MM.Emulator;

// Template analytics: POST /marketing/template_analytics?enable=true turns them on, GET reads them with Meta's query
// parameters (start, end, granularity, template_ids, metric_types, product_type) and answers in Meta's shape, daily data
// points per template with sent, delivered, read, clicked[] and cost[] (docs/reference/mm-api.md, "Template analytics").
// The numbers are the emulator's own sends, counted from the same seeded timeline their webhooks follow, so analytics
// and a funnel of the webhooks agree. Cost is known for max-price templates only (their deliveries' prices).
public sealed partial class MarketingApiEmulator
{
    private const string AnalyticsPath = "/marketing/template_analytics";
    // Few data points a page, so that paging is exercised by an ordinary read.
    private const int AnalyticsPageSize = 25;
    private readonly object _analyticsGate = new();
    private readonly Dictionary<(string TemplateId, string Product, long Day), DayCounts> _analytics = new();
    private volatile bool _analyticsEnabled;

    /// <summary>Whether template analytics were turned on (POST /marketing/template_analytics?enable=true).</summary>
    public bool TemplateAnalyticsEnabled => _analyticsEnabled;

    private sealed class DayCounts
    {
        public int Sent, Delivered, Read, Clicked;
        public decimal? Spent;
    }

    /// <summary>Counts an accepted send's events by template, product and UTC day, each event once (redeliveries repeat one).</summary>
    private void CountForAnalytics(AcceptedSend send, List<TimedEvent> events)
    {
        if (send.TemplateId is not { } id) return;
        var product = send.MarketingRoute ? "MARKETING_MESSAGES_LITE_API" : "CLOUD_API";
        var seen = new HashSet<WebhookEvent>();
        lock (_analyticsGate)
        {
            foreach (var timed in events)
            {
                var e = timed.Event;
                if (!seen.Add(e)) continue;
                var key = (id, product, e.Timestamp / 86_400);
                if (!_analytics.TryGetValue(key, out var day)) _analytics.Add(key, day = new DayCounts());
                switch (e.Kind, e.Status)
                {
                    case (WebhookEventKind.Status, "sent"): day.Sent++; break;
                    case (WebhookEventKind.Status, "delivered"):
                        day.Delivered++;
                        if (e.Cost is decimal cost) day.Spent = (day.Spent ?? 0) + cost;
                        break;
                    case (WebhookEventKind.Status, "read"): day.Read++; break;
                    // Template analytics count button clicks; a link in the body is not a button.
                    case (WebhookEventKind.Click, _) when e.ClickComponent == "cta": day.Clicked++; break;
                }
            }
        }
    }

    private EmulatorAnswer HandleEnableAnalytics(NameValueCollection query)
    {
        if (query["enable"] is not ("true" or "false"))
            return GraphError.Answer(true, 100, "(#100) Invalid parameter", "enable must be true or false.");
        _analyticsEnabled = query["enable"] == "true";
        return EmulatorAnswer.Json(200, "{\"success\":true}");
    }

    private EmulatorAnswer HandleReadAnalytics(NameValueCollection query)
    {
        // The emulator's own refusal: what the real API answers before analytics are enabled is not documented.
        if (!_analyticsEnabled)
            return GraphError.Answer(true, 100, "(#100) Template analytics are not enabled for this WhatsApp Business Account",
                "Enable them first: POST /marketing/template_analytics?enable=true.");
        if (!long.TryParse(query["start"], NumberStyles.None, CultureInfo.InvariantCulture, out var start) ||
            !long.TryParse(query["end"], NumberStyles.None, CultureInfo.InvariantCulture, out var end) || start >= end)
            return GraphError.Answer(true, 100, "(#100) Invalid parameter", "start and end must be Unix times, start before end.");
        if (query["granularity"] != "DAILY")
            return GraphError.Answer(true, 100, "(#100) Invalid parameter", "granularity must be DAILY.");
        var product = query["product_type"] ?? "CLOUD_API";
        if (product is not ("MARKETING_MESSAGES_LITE_API" or "CLOUD_API"))
            return GraphError.Answer(true, 100, "(#100) Invalid parameter", "product_type must be MARKETING_MESSAGES_LITE_API or CLOUD_API.");
        var ids = JsonArray(query["template_ids"]);
        if (ids is null || ids.Count == 0 || ids.Count > 10)
            return GraphError.Answer(true, 100, "(#100) Invalid parameter", "template_ids must be a JSON array of 1 to 10 template ids.");
        var metrics = JsonArray(query["metric_types"]) ?? new List<string> { "SENT", "DELIVERED", "READ", "CLICKED", "COST" };
        var offset = int.TryParse(query["after"], NumberStyles.None, CultureInfo.InvariantCulture, out var after) ? after : 0;

        // One point per template and day of the range, zeros included.
        var points = new List<(string Id, long Day, DayCounts Counts)>();
        lock (_analyticsGate)
            foreach (var id in ids)
                for (var day = start / 86_400; day * 86_400 < end; day++)
                    points.Add((id, day, _analytics.TryGetValue((id, product, day), out var counts) ? Copy(counts) : new DayCounts()));
        var page = points.Skip(offset).Take(AnalyticsPageSize).ToList();
        var next = offset + page.Count < points.Count ? offset + page.Count : (int?)null;

        return EmulatorAnswer.Json(200, w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("data");
            w.WriteStartObject();
            w.WriteString("granularity", "DAILY");
            w.WriteString("product_type", product);
            w.WriteStartArray("data_points");
            foreach (var (id, day, c) in page) WritePoint(w, id, day, c, metrics);
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteEndArray();
            if (next is int cursor)
            {
                w.WriteStartObject("paging");
                w.WriteStartObject("cursors");
                w.WriteString("before", offset.ToString(CultureInfo.InvariantCulture));
                w.WriteString("after", cursor.ToString(CultureInfo.InvariantCulture));
                w.WriteEndObject();
                w.WriteString("next", $"{AnalyticsPath}?after={cursor}");
                w.WriteEndObject();
            }
            w.WriteEndObject();
        });
    }

    private static void WritePoint(Utf8JsonWriter w, string id, long day, DayCounts c, List<string> metrics)
    {
        w.WriteStartObject();
        w.WriteString("template_id", id);
        w.WriteNumber("start", day * 86_400);
        w.WriteNumber("end", (day + 1) * 86_400);
        if (metrics.Contains("SENT")) w.WriteNumber("sent", c.Sent);
        if (metrics.Contains("DELIVERED")) w.WriteNumber("delivered", c.Delivered);
        if (metrics.Contains("READ")) w.WriteNumber("read", c.Read);
        if (metrics.Contains("CLICKED"))
        {
            w.WriteStartArray("clicked");
            if (c.Clicked > 0)
            {
                w.WriteStartObject();
                w.WriteString("type", "url_button");
                // The emulator's templates have no buttons of their own: every button click is on this stand-in.
                w.WriteString("button_content", "Visit website");
                w.WriteNumber("count", c.Clicked);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        if (metrics.Contains("COST") && c.Spent is decimal spent)
        {
            w.WriteStartArray("cost");
            w.WriteStartObject();
            w.WriteString("type", "amount_spent");
            w.WriteNumber("value", spent);
            w.WriteEndObject();
            if (c.Delivered > 0)
            {
                w.WriteStartObject();
                w.WriteString("type", "cost_per_delivered");
                w.WriteNumber("value", decimal.Round(spent / c.Delivered, 6));
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        w.WriteEndObject();
    }

    private static DayCounts Copy(DayCounts c) => new() { Sent = c.Sent, Delivered = c.Delivered, Read = c.Read, Clicked = c.Clicked, Spent = c.Spent };

    /// <summary>A JSON array of strings or numbers, as Meta's list parameters are written; null when it is not one.</summary>
    private static List<string>? JsonArray(string? text)
    {
        if (string.IsNullOrEmpty(text)) return null;
        try
        {
            using var doc = JsonDocument.Parse(text!);
            if (doc.RootElement.ValueKind != JsonValueKind.Array) return null;
            return doc.RootElement.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.String ? e.GetString()! : e.GetRawText()).ToList();
        }
        catch (JsonException) { return null; }
    }
}
