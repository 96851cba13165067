using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using Dialog360.MM.Core.Messages;

namespace Dialog360.MM.Core.Templates;

public enum TemplateCategory { Marketing, Utility, Authentication }

/// <summary>A template's header: text (at most one {{1}}), media (IMAGE, VIDEO, DOCUMENT with a sample handle) or LOCATION.</summary>
public sealed class TemplateHeader
{
    private TemplateHeader(string format, string? text, string? example)
    {
        Format = format;
        Text = text;
        Example = example;
    }

    /// <summary>TEXT, IMAGE, VIDEO, DOCUMENT or LOCATION.</summary>
    public string Format { get; }
    public string? Text { get; }
    /// <summary>header_text sample for the {{1}} of a text header, or header_handle (an uploaded sample's handle) for media.</summary>
    public string? Example { get; }

    public static TemplateHeader FromText(string text, string? example = null)
    {
        if (string.IsNullOrWhiteSpace(text))
            throw TemplateDefinition.Invalid("HeaderText", "HeaderText is empty.");
        if (text.Length > 60)
            throw TemplateDefinition.Invalid("HeaderText", $"HeaderText has {text.Length} characters: a text header takes at most 60.");
        var placeholders = MMTemplate.CountPlaceholders(text);
        if (placeholders > 1)
            throw TemplateDefinition.Invalid("HeaderText", "HeaderText has more than one {{n}} placeholder: a text header supports one.");
        if (placeholders == 1 && string.IsNullOrEmpty(example))
            throw TemplateDefinition.Invalid("HeaderExample", "HeaderText has a {{1}} placeholder: give a sample value with -HeaderExample, Meta reviews templates with it.");
        if (placeholders == 0 && !string.IsNullOrEmpty(example))
            throw TemplateDefinition.Invalid("HeaderExample", "HeaderExample was given but HeaderText has no {{1}} placeholder.");
        return new TemplateHeader("TEXT", text, placeholders == 1 ? example : null);
    }

    public static TemplateHeader FromMedia(string format, string handle)
    {
        var upper = (format ?? string.Empty).ToUpperInvariant();
        if (upper is not ("IMAGE" or "VIDEO" or "DOCUMENT"))
            throw TemplateDefinition.Invalid("HeaderMedia", $"HeaderMedia '{format}' is not Image, Video or Document.");
        if (string.IsNullOrWhiteSpace(handle))
            throw TemplateDefinition.Invalid("HeaderHandle", "A media header needs a sample: the handle of an uploaded sample file (-HeaderHandle), which Meta reviews.");
        return new TemplateHeader(upper, null, handle);
    }

    public static TemplateHeader Location() => new("LOCATION", null, null);
}

/// <summary>A URL button (its URL may end in one {{1}}, with a sample) or a quick-reply button.</summary>
public sealed class TemplateButtonDefinition
{
    private TemplateButtonDefinition(string type, string text, string? url, string? example)
    {
        Type = type;
        Text = text;
        Url = url;
        Example = example;
    }

    /// <summary>URL or QUICK_REPLY.</summary>
    public string Type { get; }
    public string Text { get; }
    public string? Url { get; }
    public string? Example { get; }

    public static TemplateButtonDefinition UrlButton(string text, string url, string? example = null)
    {
        CheckText(text, "UrlButton");
        if (!Uri.TryCreate((url ?? string.Empty).Replace("{{1}}", "x"), UriKind.Absolute, out var parsed) ||
            (parsed.Scheme != Uri.UriSchemeHttps && parsed.Scheme != Uri.UriSchemeHttp))
            throw TemplateDefinition.Invalid("UrlButton", $"UrlButton '{text}': Url '{url}' is not an absolute http(s) address.");
        var placeholders = MMTemplate.CountPlaceholders(url);
        if (placeholders > 1 || (placeholders == 1 && !url!.EndsWith("{{1}}", StringComparison.Ordinal)))
            throw TemplateDefinition.Invalid("UrlButton", $"UrlButton '{text}': a URL may have one placeholder, {{{{1}}}}, at its end.");
        if (placeholders == 1 && string.IsNullOrEmpty(example))
            throw TemplateDefinition.Invalid("UrlButton", $"UrlButton '{text}': the URL ends in {{{{1}}}}: give a full sample URL as Example.");
        return new TemplateButtonDefinition("URL", text, url, placeholders == 1 ? example : null);
    }

    /// <summary>@{ Text='Shop now'; Url='https://shop.example.com/{{1}}'; Example='https://shop.example.com/spring' }, keys in any case.</summary>
    public static TemplateButtonDefinition UrlButtonFrom(object? value, int position)
    {
        if (value is not System.Collections.IDictionary map)
            throw TemplateDefinition.Invalid("UrlButton",
                $"UrlButton {position}: give a hashtable, e.g. @{{ Text='Shop now'; Url='https://shop.example.com/{{{{1}}}}'; Example='https://shop.example.com/spring' }}.");
        string? Get(string key)
        {
            foreach (System.Collections.DictionaryEntry e in map)
                if (string.Equals(Convert.ToString(e.Key, System.Globalization.CultureInfo.InvariantCulture), key, StringComparison.OrdinalIgnoreCase))
                    return Convert.ToString(e.Value, System.Globalization.CultureInfo.InvariantCulture);
            return null;
        }
        return UrlButton(Get("Text") ?? string.Empty, Get("Url") ?? string.Empty, Get("Example"));
    }

    public static TemplateButtonDefinition QuickReply(string text)
    {
        CheckText(text, "QuickReply");
        return new TemplateButtonDefinition("QUICK_REPLY", text, null, null);
    }

    private static void CheckText(string text, string field)
    {
        if (string.IsNullOrWhiteSpace(text)) throw TemplateDefinition.Invalid(field, $"{field}: the button text is empty.");
        if (text.Length > 25) throw TemplateDefinition.Invalid(field, $"{field} '{text}' has {text.Length} characters: button texts take at most 25.");
    }
}

/// <summary>
/// A template to create through 360dialog's POST /v1/configs/templates, validated on construction. Shapes: 360dialog
/// "Template Elements" (docs.360dialog.com/docs/waba-basics/templates/template-elements: HEADER format/text/example.header_text
/// or header_handle, BODY text with example.body_text as one array of values inside an array, FOOTER text, BUTTONS with URL
/// (url, example) and QUICK_REPLY), which are Meta's template components; allow_category_change and message_send_ttl_seconds
/// are Meta's template properties (Meta, "Configure message time-to-live": TTL is set on the template, MARKETING through the
/// MM API 43,200–2,592,000 s). Components the parameters do not cover come as raw JSON objects, written as they are. A max
/// price goes in optimization_spec (Meta's max-price page: set at creation, MARKETING only; see <see cref="MMMaxPrice"/>).
/// </summary>
public sealed class TemplateDefinition
{
    public const int MaxBodyLength = 1024;
    public const int MaxFooterLength = 60;
    public const int MaxButtons = 10;

    public TemplateDefinition(string name, string languageCode, TemplateCategory category, string? bodyText = null,
        IReadOnlyList<string>? bodyExamples = null, TemplateHeader? header = null, string? footerText = null,
        IReadOnlyList<TemplateButtonDefinition>? buttons = null, IReadOnlyList<string>? rawComponents = null,
        bool allowCategoryChange = false, TimeSpan? timeToLive = null, MMMaxPrice? maxPrice = null)
    {
        Name = TemplateMessage.ValidateTemplateName(name, "Name");
        LanguageCode = TemplateMessage.ValidateLanguage(languageCode);
        Category = category;
        BodyExamples = bodyExamples ?? Array.Empty<string>();
        Header = header;
        Buttons = buttons ?? Array.Empty<TemplateButtonDefinition>();
        RawComponents = rawComponents ?? Array.Empty<string>();
        AllowCategoryChange = allowCategoryChange;

        var rawTypes = RawComponents.Select(TypeOf).ToList();
        if (bodyText is null)
        {
            if (!rawTypes.Contains("BODY"))
                throw Invalid("Body", "The template has no body: give -Body (the message text) or a BODY component in -Component.");
            if (BodyExamples.Count > 0) throw Invalid("BodyExample", "BodyExample was given without -Body.");
        }
        else
        {
            if (string.IsNullOrWhiteSpace(bodyText)) throw Invalid("Body", "Body is empty.");
            if (bodyText.Length > MaxBodyLength)
                throw Invalid("Body", $"Body has {bodyText.Length} characters: a template body takes at most {MaxBodyLength}.");
            var placeholders = MMTemplate.CountPlaceholders(bodyText);
            if (placeholders != BodyExamples.Count)
                throw Invalid("BodyExample",
                    $"Body has {placeholders} {{{{n}}}} placeholder(s) but {BodyExamples.Count} sample value(s) were given: give one -BodyExample per placeholder ({{{{1}}}}, {{{{2}}}} …), Meta reviews the template with them.");
            BodyText = bodyText;
        }
        if (footerText != null)
        {
            if (string.IsNullOrWhiteSpace(footerText)) throw Invalid("Footer", "Footer is empty.");
            if (footerText.Length > MaxFooterLength)
                throw Invalid("Footer", $"Footer has {footerText.Length} characters: a footer takes at most {MaxFooterLength}.");
            if (MMTemplate.CountPlaceholders(footerText) > 0) throw Invalid("Footer", "Footer has a {{n}} placeholder: footers take none.");
            FooterText = footerText;
        }
        if (Buttons.Count > MaxButtons) throw Invalid("UrlButton", $"{Buttons.Count} buttons: a template takes at most {MaxButtons}.");
        // A component given both ways would be sent twice and refused by Meta: say which one instead.
        foreach (var (type, given) in new[] { ("HEADER", header != null), ("BODY", bodyText != null), ("FOOTER", footerText != null), ("BUTTONS", Buttons.Count > 0) })
            if (given && rawTypes.Contains(type))
                throw Invalid("Component", $"A {type} component came both from parameters and from -Component: give it one way.");

        if (timeToLive is TimeSpan ttl)
        {
            if (category != TemplateCategory.Marketing)
                throw Invalid("TimeToLive", "TimeToLive is set here for MARKETING templates only (12 hours to 30 days through the Marketing Messages API).");
            TtlSeconds = TimeToLive.ToSeconds(ttl);
        }
        if (maxPrice != null && category != TemplateCategory.Marketing)
            throw new MessageValidationException("MaxPrice", ValidationReason.InvalidMaxPrice,
                "MaxPrice is for MARKETING templates: it caps what a delivery through the Marketing Messages API costs.");
        MaxPrice = maxPrice;
    }

    public string Name { get; }
    public string LanguageCode { get; }
    public TemplateCategory Category { get; }
    public string? BodyText { get; }
    public IReadOnlyList<string> BodyExamples { get; }
    public TemplateHeader? Header { get; }
    public string? FooterText { get; }
    public IReadOnlyList<TemplateButtonDefinition> Buttons { get; }
    public IReadOnlyList<string> RawComponents { get; }
    public bool AllowCategoryChange { get; }
    public int? TtlSeconds { get; }
    /// <summary>The template's max price (optimization_spec), or null for the published rate card's price.</summary>
    public MMMaxPrice? MaxPrice { get; }

    public string CategoryText => Category.ToString().ToUpperInvariant();

    public void WriteTo(Utf8JsonWriter w)
    {
        w.WriteStartObject();
        w.WriteString("name", Name);
        w.WriteString("category", CategoryText);
        w.WriteString("language", LanguageCode);
        if (AllowCategoryChange) w.WriteBoolean("allow_category_change", true);
        if (TtlSeconds is int ttl) w.WriteNumber("message_send_ttl_seconds", ttl);
        MaxPrice?.WriteTo(w);
        w.WriteStartArray("components");
        if (Header != null) WriteHeader(w, Header);
        if (BodyText != null)
        {
            w.WriteStartObject();
            w.WriteString("type", "BODY");
            w.WriteString("text", BodyText);
            if (BodyExamples.Count > 0)
            {
                w.WriteStartObject("example");
                w.WriteStartArray("body_text");
                w.WriteStartArray();
                foreach (var e in BodyExamples) w.WriteStringValue(e);
                w.WriteEndArray();
                w.WriteEndArray();
                w.WriteEndObject();
            }
            w.WriteEndObject();
        }
        if (FooterText != null)
        {
            w.WriteStartObject();
            w.WriteString("type", "FOOTER");
            w.WriteString("text", FooterText);
            w.WriteEndObject();
        }
        if (Buttons.Count > 0)
        {
            w.WriteStartObject();
            w.WriteString("type", "BUTTONS");
            w.WriteStartArray("buttons");
            foreach (var b in Buttons)
            {
                w.WriteStartObject();
                w.WriteString("type", b.Type);
                w.WriteString("text", b.Text);
                if (b.Url != null) w.WriteString("url", b.Url);
                if (b.Example != null)
                {
                    w.WriteStartArray("example");
                    w.WriteStringValue(b.Example);
                    w.WriteEndArray();
                }
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        foreach (var raw in RawComponents) w.WriteRawValue(raw);
        w.WriteEndArray();
        w.WriteEndObject();
    }

    public byte[] ToJsonUtf8()
    {
        using var stream = new MemoryStream(512);
        using (var writer = new Utf8JsonWriter(stream, TemplateMessage.WriterOptions)) WriteTo(writer);
        return stream.ToArray();
    }

    private static void WriteHeader(Utf8JsonWriter w, TemplateHeader h)
    {
        w.WriteStartObject();
        w.WriteString("type", "HEADER");
        w.WriteString("format", h.Format);
        if (h.Text != null) w.WriteString("text", h.Text);
        if (h.Example != null)
        {
            w.WriteStartObject("example");
            w.WriteStartArray(h.Format == "TEXT" ? "header_text" : "header_handle");
            w.WriteStringValue(h.Example);
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndObject();
    }

    private static string TypeOf(string raw)
    {
        using var doc = JsonDocument.Parse(raw);
        return doc.RootElement.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String
            ? t.GetString()!.ToUpperInvariant() : string.Empty;
    }

    internal static MessageValidationException Invalid(string field, string message) =>
        new(field, ValidationReason.InvalidTemplateDefinition, message);
}
