using System.Collections.Specialized;
using System.Globalization;
using System.Linq;
using System.Text.Json;

namespace Dialog360.MM.Emulator;

// GET /v1/configs/templates: 360dialog's paged listing, {"count","total","limit","offset","filters","sort","waba_templates"};
// POST creates a template (answered with the template object, status pending), DELETE …/{name} removes every language
// of a name (docs/reference/mm-api.md, "Templates"); a max price travels as optimization_spec ("Max price for marketing
// messages (bidding), 2026"). Refusals use 360dialog's config-route shape
// {"meta":{"success":false,"http_code":…,"developer_message":…}}, as the webhook route does.
public sealed partial class MarketingApiEmulator
{
    private const string TemplatesPath = "/v1/configs/templates";
    private static readonly System.Text.RegularExpressions.Regex TemplateName = new("^[a-z0-9_]{1,512}$");
    // Created and deleted while sends read the list: every access to _options.Templates holds this.
    private readonly object _templatesGate = new();

    private EmulatorAnswer HandleListTemplates(NameValueCollection query)
    {
        System.Collections.Generic.List<EmulatorTemplate> all;
        lock (_templatesGate) all = _options.Templates.ToList();
        var limit = ParseOr(query["limit"], 1000);
        var offset = ParseOr(query["offset"], 0);
        var page = all.Skip(offset).Take(limit).ToList();

        return EmulatorAnswer.Json(200, w =>
        {
            w.WriteStartObject();
            w.WriteNumber("count", page.Count);
            w.WriteNumber("total", all.Count);
            w.WriteNumber("limit", limit);
            w.WriteNumber("offset", offset);
            w.WriteStartObject("filters");
            w.WriteEndObject();
            w.WriteStartArray("sort");
            w.WriteStringValue("id");
            w.WriteEndArray();
            w.WriteStartArray("waba_templates");
            foreach (var t in page)
            {
                w.WriteStartObject();
                WriteTemplateFields(w, t);
                w.WriteStartArray("components");
                if (t.HeaderFormat != null)
                {
                    w.WriteStartObject();
                    w.WriteString("type", "HEADER");
                    w.WriteString("format", t.HeaderFormat);
                    w.WriteEndObject();
                }
                w.WriteStartObject();
                w.WriteString("type", "BODY");
                w.WriteString("text", t.BodyText);
                w.WriteEndObject();
                w.WriteEndArray();
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        });
    }

    private EmulatorAnswer HandleCreateTemplate(string body)
    {
        JsonDocument doc;
        try { doc = JsonDocument.Parse(body); }
        catch (JsonException) { return ConfigError(400, "invalid JSON"); }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return ConfigError(400, "the body must be a JSON object");
            var name = Text(root, "name");
            var language = Text(root, "language");
            var category = Text(root, "category");
            if (name is null || !TemplateName.IsMatch(name)) return ConfigError(400, "name must be lower-case letters, digits and underscores");
            if (string.IsNullOrEmpty(language)) return ConfigError(400, "language is required");
            if (category is not ("MARKETING" or "UTILITY" or "AUTHENTICATION")) return ConfigError(400, "category must be MARKETING, UTILITY or AUTHENTICATION");
            int? ttl = null;
            if (root.TryGetProperty("message_send_ttl_seconds", out var ttlElement))
            {
                // Meta's TTL page: marketing templates through the MM API take 43,200 to 2,592,000 seconds.
                if (ttlElement.ValueKind != JsonValueKind.Number || !ttlElement.TryGetInt32(out var seconds) ||
                    (category == "MARKETING" && (seconds < 43_200 || seconds > 2_592_000)))
                    return ConfigError(400, "message_send_ttl_seconds must be a whole number from 43200 to 2592000 for marketing templates");
                ttl = seconds;
            }
            long? bid = null;
            if (root.TryGetProperty("optimization_spec", out var spec))
            {
                // Meta's max-price page: bid_amount a positive int32 per 1,000 deliveries, the one strategy, MARKETING only.
                if (spec.ValueKind != JsonValueKind.Object || !spec.TryGetProperty("bid_amount", out var amount) ||
                    amount.ValueKind != JsonValueKind.Number || !amount.TryGetInt32(out var cents) || cents <= 0)
                    return ConfigError(400, "optimization_spec.bid_amount must be a positive whole number (per 1,000 deliveries, in the currency's smallest unit)");
                if (Text(spec, "bid_strategy") != Core.Templates.MMMaxPrice.BidCap)
                    return ConfigError(400, "optimization_spec.bid_strategy must be LOWEST_COST_WITH_BID_CAP");
                if (category != "MARKETING") return ConfigError(400, "optimization_spec is for MARKETING templates only");
                bid = cents;
            }
            if (!root.TryGetProperty("components", out var components) || components.ValueKind != JsonValueKind.Array)
                return ConfigError(400, "components is required");
            string? bodyText = null, headerFormat = null;
            foreach (var c in components.EnumerateArray())
            {
                switch (Text(c, "type")?.ToUpperInvariant())
                {
                    case "HEADER": headerFormat = Text(c, "format")?.ToUpperInvariant(); break;
                    case "BODY":
                        bodyText = Text(c, "text");
                        var placeholders = Core.Templates.MMTemplate.CountPlaceholders(bodyText);
                        var samples = c.TryGetProperty("example", out var ex) && ex.TryGetProperty("body_text", out var bt) &&
                                      bt.ValueKind == JsonValueKind.Array && bt.GetArrayLength() > 0 && bt[0].ValueKind == JsonValueKind.Array
                            ? bt[0].GetArrayLength() : 0;
                        if (samples != placeholders)
                            return ConfigError(400, $"the body has {placeholders} variable(s) but example.body_text gives {samples} sample(s)");
                        break;
                }
            }
            if (string.IsNullOrEmpty(bodyText)) return ConfigError(400, "a BODY component with text is required");

            var created = new EmulatorTemplate(name, language!, category!, "pending", bodyText!, headerFormat, timeToLiveSeconds: ttl, bidAmount: bid);
            lock (_templatesGate)
            {
                if (_options.Templates.Any(t => t.Name == name && t.Language == language))
                    return ConfigError(400, $"a template named {name} already exists in {language}");
                _options.Templates.Add(created);
            }
            return EmulatorAnswer.Json(200, w =>
            {
                w.WriteStartObject();
                WriteTemplateFields(w, created);
                w.WritePropertyName("components");
                components.WriteTo(w);
                w.WriteEndObject();
            });
        }
    }

    private EmulatorAnswer HandleDeleteTemplate(string name)
    {
        int removed;
        lock (_templatesGate)
        {
            var doomed = _options.Templates.Where(t => t.Name == name).ToList();
            foreach (var t in doomed) _options.Templates.Remove(t);
            removed = doomed.Count;
        }
        return removed == 0
            ? ConfigError(404, $"template {name} not found")
            : EmulatorAnswer.Json(200, "{\"meta\":{\"success\":true,\"http_code\":200}}");
    }

    // What the listing and the create answer share: every field but the components.
    private static void WriteTemplateFields(Utf8JsonWriter w, EmulatorTemplate t)
    {
        w.WriteString("id", t.Id);
        w.WriteString("name", t.Name);
        w.WriteString("language", t.Language);
        w.WriteString("category", t.Category);
        w.WriteString("status", t.Status);
        w.WriteString("namespace", "emulator_namespace");
        w.WriteString("rejected_reason", "NONE");
        if (t.TimeToLiveSeconds is int ttl) w.WriteNumber("message_send_ttl_seconds", ttl);
        if (t.BidAmount is long bid)
        {
            w.WriteStartObject("optimization_spec");
            w.WriteNumber("bid_amount", bid);
            w.WriteString("bid_strategy", Core.Templates.MMMaxPrice.BidCap);
            w.WriteEndObject();
        }
    }

    private static EmulatorAnswer ConfigError(int status, string message) => EmulatorAnswer.Json(status, w =>
    {
        w.WriteStartObject();
        w.WriteStartObject("meta");
        w.WriteBoolean("success", false);
        w.WriteNumber("http_code", status);
        w.WriteString("developer_message", message);
        w.WriteEndObject();
        w.WriteEndObject();
    });

    private static int ParseOr(string? text, int fallback) =>
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= 0 ? n : fallback;
}
