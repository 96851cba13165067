using System;
using System.Collections.Specialized;
using System.Globalization;
using System.Linq;
using System.Text.Json;

namespace Dialog360.MM.Emulator;

// GET /v1/configs/templates: 360dialog's paged listing, {"count","total","limit","offset","filters","sort","waba_templates"}
// (shared/reference/mm-api.md).
public sealed partial class MarketingApiEmulator
{
    private EmulatorAnswer HandleListTemplates(NameValueCollection query)
    {
        var all = _options.Templates;
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
                w.WriteString("id", t.Id);
                w.WriteString("name", t.Name);
                w.WriteString("language", t.Language);
                w.WriteString("category", t.Category);
                w.WriteString("status", t.Status);
                w.WriteString("namespace", "emulator_namespace");
                w.WriteString("rejected_reason", "NONE");
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

    private static int ParseOr(string? text, int fallback) =>
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= 0 ? n : fallback;
}
