using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Dialog360.MM.Core.Templates;

/// <summary>
/// A message template as 360dialog's GET /v1/configs/templates lists it ("waba_templates"; docs/reference/mm-api.md):
/// category in capitals, status in lower case, components HEADER (format), BODY (text with {{n}}), FOOTER, BUTTONS.
/// </summary>
public sealed class MMTemplate
{
    private static readonly Regex Placeholder = new(@"\{\{\s*(\d+)\s*\}\}", RegexOptions.CultureInvariant);

    public string Name { get; set; } = string.Empty;
    public string LanguageCode { get; set; } = string.Empty;
    /// <summary>MARKETING, UTILITY or AUTHENTICATION.</summary>
    public string Category { get; set; } = string.Empty;
    /// <summary>approved, pending, rejected, paused, disabled, …</summary>
    public string Status { get; set; } = string.Empty;
    public string? BodyText { get; set; }
    public int BodyParameterCount { get; set; }
    /// <summary>TEXT, IMAGE, VIDEO, DOCUMENT or LOCATION; null when the template has no header.</summary>
    public string? HeaderFormat { get; set; }
    /// <summary>"TYPE: text" per button, e.g. "URL: Shop now".</summary>
    public string[] Buttons { get; set; } = Array.Empty<string>();
    public string? Id { get; set; }
    /// <summary>message_send_ttl_seconds when the template has one (Meta's default for marketing is 30 days).</summary>
    public TimeSpan? TimeToLive { get; set; }
    /// <summary>The template's max price per delivery (optimization_spec), when it has one; null: the rate card's price.</summary>
    public MMMaxPrice? MaxPrice { get; set; }

    public bool IsApproved => string.Equals(Status, "approved", StringComparison.OrdinalIgnoreCase);
    public bool IsMarketing => string.Equals(Category, "MARKETING", StringComparison.OrdinalIgnoreCase);

    public override string ToString() => $"{Name} ({LanguageCode})";

    /// <summary>Distinct {{n}} placeholders: "{{1}} and {{1}} again" needs one parameter.</summary>
    public static int CountPlaceholders(string? text) =>
        text is null ? 0 : Placeholder.Matches(text).Cast<Match>().Select(m => m.Groups[1].Value).Distinct().Count();

    public static MMTemplate Parse(JsonElement t)
    {
        var template = new MMTemplate
        {
            Name = Text(t, "name") ?? string.Empty,
            LanguageCode = Text(t, "language") ?? string.Empty,
            Category = (Text(t, "category") ?? string.Empty).ToUpperInvariant(),
            Status = (Text(t, "status") ?? string.Empty).ToLowerInvariant(),
            Id = t.TryGetProperty("id", out var id) ? id.ToString() : null,
            TimeToLive = t.TryGetProperty("message_send_ttl_seconds", out var ttl) && ttl.ValueKind == JsonValueKind.Number &&
                         ttl.TryGetInt32(out var seconds) && seconds > 0 ? TimeSpan.FromSeconds(seconds) : null,
            MaxPrice = t.TryGetProperty("optimization_spec", out var spec) ? MMMaxPrice.Parse(spec) : null,
        };
        var buttons = new List<string>();
        if (t.TryGetProperty("components", out var components) && components.ValueKind == JsonValueKind.Array)
        {
            foreach (var c in components.EnumerateArray())
            {
                switch ((Text(c, "type") ?? string.Empty).ToUpperInvariant())
                {
                    case "HEADER": template.HeaderFormat = Text(c, "format")?.ToUpperInvariant(); break;
                    case "BODY": template.BodyText = Text(c, "text"); break;
                    case "BUTTONS":
                        if (c.TryGetProperty("buttons", out var list) && list.ValueKind == JsonValueKind.Array)
                            foreach (var b in list.EnumerateArray()) buttons.Add($"{Text(b, "type")}: {Text(b, "text")}");
                        break;
                }
            }
        }
        template.Buttons = buttons.ToArray();
        template.BodyParameterCount = CountPlaceholders(template.BodyText);
        return template;
    }

    /// <summary>Fills what a create answer left out (360dialog may answer with little more than id and status) from the definition sent.</summary>
    internal MMTemplate CompleteFrom(TemplateDefinition definition)
    {
        if (Name.Length == 0) Name = definition.Name;
        if (LanguageCode.Length == 0) LanguageCode = definition.LanguageCode;
        if (Category.Length == 0) Category = definition.CategoryText;
        if (Status.Length == 0) Status = "pending";
        if (TimeToLive is null && definition.TtlSeconds is int ttl) TimeToLive = TimeSpan.FromSeconds(ttl);
        // The answer names no currency: the definition's, when the answer's bid is the one sent.
        if (definition.MaxPrice is { } sent && (MaxPrice is null || MaxPrice.BidAmount == sent.BidAmount)) MaxPrice = sent;
        if (BodyText is null && definition.BodyText != null)
        {
            BodyText = definition.BodyText;
            BodyParameterCount = CountPlaceholders(BodyText);
        }
        if (HeaderFormat is null) HeaderFormat = definition.Header?.Format;
        if (Buttons.Length == 0) Buttons = definition.Buttons.Select(b => $"{b.Type}: {b.Text}").ToArray();
        return this;
    }

    private static string? Text(JsonElement obj, string name) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
