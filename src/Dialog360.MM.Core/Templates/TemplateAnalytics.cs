using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json;
using Dialog360.MM.Core.Messages;

namespace Dialog360.MM.Core.Templates;

/// <summary>Which product's sends template analytics counts: the Marketing Messages API's, or Cloud API's.</summary>
public enum AnalyticsProduct { MarketingMessages, CloudApi }

/// <summary>
/// One read of template analytics (360dialog: GET /marketing/template_analytics, after enabling it once;
/// docs/reference/mm-api.md, "Template analytics"). 360dialog's page names no query parameters, so Meta's are used, as
/// its template_analytics edge takes them: start and end (Unix seconds), granularity (DAILY), template_ids (a JSON
/// array, at most 10 a request), metric_types (SENT, DELIVERED, READ, CLICKED, COST) and product_type
/// (MARKETING_MESSAGES_LITE_API or CLOUD_API); data goes 90 days back.
/// </summary>
public sealed class TemplateAnalyticsQuery
{
    /// <summary>How many template ids one request may name (Meta).</summary>
    public const int MaxTemplatesPerRequest = 10;
    /// <summary>How far back the data goes (Meta).</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromDays(90);

    /// <exception cref="MessageValidationException">No template, an id that is not one, a start not before the end, a start
    /// more than 90 days ago, or an end in the future that leaves no time before now.</exception>
    public TemplateAnalyticsQuery(IEnumerable<string> templateIds, DateTimeOffset start, DateTimeOffset end, DateTimeOffset now,
        AnalyticsProduct product = AnalyticsProduct.MarketingMessages)
    {
        var ids = templateIds.Distinct(StringComparer.Ordinal).ToList();
        if (ids.Count == 0) throw Invalid("TemplateId", "Name at least one template: -Name (from Get-MMTemplate) or -TemplateId.");
        foreach (var id in ids)
            if (id.Length == 0 || !id.All(c => c is >= '0' and <= '9'))
                throw Invalid("TemplateId", $"TemplateId '{id}' is not a template id: ids are digits, as Get-MMTemplate shows them (Id).");
        // An end in the future asks for data that cannot exist yet: read up to now.
        if (end > now) end = now;
        if (start >= end)
            throw Invalid("Start", $"Start {Text(start)} is not before End {Text(end)}: give a range that ends after it starts, at most now.");
        if (start < now - MaxAge)
            throw Invalid("Start", $"Start {Text(start)} is more than 90 days ago: template analytics go back 90 days (to {Text(now - MaxAge)}).");
        TemplateIds = ids;
        Start = start;
        End = end;
        Product = product;
    }

    public IReadOnlyList<string> TemplateIds { get; }
    public DateTimeOffset Start { get; }
    public DateTimeOffset End { get; }
    public AnalyticsProduct Product { get; }

    /// <summary>product_type as Meta names it.</summary>
    public string ProductType => Product == AnalyticsProduct.CloudApi ? "CLOUD_API" : "MARKETING_MESSAGES_LITE_API";

    /// <summary>The query string of each request: the ids in batches of <see cref="MaxTemplatesPerRequest"/>, every metric, daily.</summary>
    public IEnumerable<string> QueryStrings()
    {
        for (var i = 0; i < TemplateIds.Count; i += MaxTemplatesPerRequest)
        {
            var ids = "[" + string.Join(",", TemplateIds.Skip(i).Take(MaxTemplatesPerRequest)) + "]";
            yield return string.Format(CultureInfo.InvariantCulture,
                "start={0}&end={1}&granularity=DAILY&product_type={2}&metric_types={3}&template_ids={4}",
                Start.ToUnixTimeSeconds(), End.ToUnixTimeSeconds(), ProductType,
                Uri.EscapeDataString("[\"SENT\",\"DELIVERED\",\"READ\",\"CLICKED\",\"COST\"]"), Uri.EscapeDataString(ids));
        }
    }

    private static string Text(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);

    private static MessageValidationException Invalid(string field, string message) => new(field, ValidationReason.InvalidAnalyticsQuery, message);
}

/// <summary>One template's numbers for one day (granularity DAILY): what was sent, delivered and read, button clicks and cost.</summary>
public sealed class MMTemplateAnalytics
{
    public string TemplateId { get; internal set; } = string.Empty;
    /// <summary>The template's name and language, from the account's template list; null for an id it does not list.</summary>
    public string? TemplateName { get; set; }
    public string? LanguageCode { get; set; }
    /// <summary>The day's start and end (UTC).</summary>
    public DateTimeOffset Start { get; internal set; }
    public DateTimeOffset End { get; internal set; }
    public string Granularity { get; internal set; } = "DAILY";
    /// <summary>MARKETING_MESSAGES_LITE_API (the Marketing Messages API) or CLOUD_API.</summary>
    public string ProductType { get; internal set; } = string.Empty;
    public int? Sent { get; internal set; }
    public int? Delivered { get; internal set; }
    public int? Read { get; internal set; }
    /// <summary>Clicks per button (URL and quick-reply buttons).</summary>
    public IReadOnlyList<MMButtonClicks> Clicks { get; internal set; } = Array.Empty<MMButtonClicks>();
    /// <summary>All button clicks of the day.</summary>
    public int Clicked => Clicks.Sum(c => c.Count);
    /// <summary>cost amount_spent, in the WABA's currency; null when the answer has none.</summary>
    public decimal? AmountSpent { get; internal set; }
    /// <summary>cost cost_per_delivered.</summary>
    public decimal? CostPerDelivered { get; internal set; }
    /// <summary>cost cost_per_url_button_click.</summary>
    public decimal? CostPerUrlButtonClick { get; internal set; }

    /// <summary>The data points of one answer: {"data":[{"granularity","product_type","data_points":[…]}]}.</summary>
    /// <exception cref="JsonException">The answer is not JSON.</exception>
    public static IReadOnlyList<MMTemplateAnalytics> Parse(byte[] answer, out string? nextCursor)
    {
        using var doc = JsonDocument.Parse(answer);
        var root = doc.RootElement;
        var points = new List<MMTemplateAnalytics>();
        if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Array)
        {
            foreach (var set in data.EnumerateArray())
            {
                if (set.ValueKind != JsonValueKind.Object || !set.TryGetProperty("data_points", out var list) || list.ValueKind != JsonValueKind.Array) continue;
                var granularity = Text(set, "granularity") ?? "DAILY";
                var product = Text(set, "product_type") ?? string.Empty;
                foreach (var p in list.EnumerateArray()) if (p.ValueKind == JsonValueKind.Object) points.Add(Point(p, granularity, product));
            }
        }
        // Meta pages its edges: paging.next is there while more follows, and paging.cursors.after asks for it.
        nextCursor = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("paging", out var paging) && paging.ValueKind == JsonValueKind.Object &&
            paging.TryGetProperty("next", out _) && paging.TryGetProperty("cursors", out var cursors) && cursors.ValueKind == JsonValueKind.Object
            ? Text(cursors, "after") : null;
        return points;
    }

    private static MMTemplateAnalytics Point(JsonElement p, string granularity, string product)
    {
        var point = new MMTemplateAnalytics
        {
            TemplateId = Text(p, "template_id") ?? string.Empty,
            Start = Time(p, "start"),
            End = Time(p, "end"),
            Granularity = granularity,
            ProductType = product,
            Sent = Count(p, "sent"),
            Delivered = Count(p, "delivered"),
            Read = Count(p, "read"),
        };
        if (p.TryGetProperty("clicked", out var clicked) && clicked.ValueKind == JsonValueKind.Array)
            point.Clicks = clicked.EnumerateArray().Where(c => c.ValueKind == JsonValueKind.Object)
                .Select(c => new MMButtonClicks(Text(c, "type") ?? string.Empty, Text(c, "button_content") ?? string.Empty, Count(c, "count") ?? 0)).ToList();
        if (p.TryGetProperty("cost", out var cost) && cost.ValueKind == JsonValueKind.Array)
        {
            foreach (var c in cost.EnumerateArray())
            {
                var value = c.ValueKind == JsonValueKind.Object && c.TryGetProperty("value", out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetDecimal(out var d) ? d : (decimal?)null;
                switch (Text(c, "type"))
                {
                    case "amount_spent": point.AmountSpent = value; break;
                    case "cost_per_delivered": point.CostPerDelivered = value; break;
                    case "cost_per_url_button_click": point.CostPerUrlButtonClick = value; break;
                }
            }
        }
        return point;
    }

    private static string? Text(JsonElement obj, string name) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var v)
            ? v.ValueKind switch { JsonValueKind.String => v.GetString(), JsonValueKind.Number => v.GetRawText(), _ => null }
            : null;

    private static int? Count(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var n) ? n : null;

    private static DateTimeOffset Time(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var s) && s >= 0 && s <= 253402300799L
            ? DateTimeOffset.FromUnixTimeSeconds(s) : default;
}

/// <summary>One button's clicks in a day: its type (url_button, quick_reply_button) and text.</summary>
public sealed class MMButtonClicks
{
    internal MMButtonClicks(string type, string buttonContent, int count)
    {
        Type = type;
        ButtonContent = buttonContent;
        Count = count;
    }

    public string Type { get; }
    public string ButtonContent { get; }
    public int Count { get; }

    public override string ToString() => $"{ButtonContent} ({Type}): {Count.ToString(CultureInfo.InvariantCulture)}";
}
