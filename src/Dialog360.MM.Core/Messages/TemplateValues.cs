using System;
using System.Collections;
using System.Globalization;
using System.IO;
using System.Text;
using System.Text.Json;

namespace Dialog360.MM.Core.Messages;

/// <summary>
/// Turns the values an administrator types (strings, numbers, hashtables) into template parameters and components.
/// Hashtable keys are matched without regard to case. Every refusal names the parameter, its position and the fix.
/// </summary>
public static class TemplateValues
{
    public static TemplateParameter BodyParameter(object? value, int position)
    {
        const string field = "BodyParameter";
        var where = $"{field} {position}";
        if (value is IDictionary map)
        {
            if (Get(map, "Currency") is object currency)
            {
                var code = Text(currency, where, "Currency").ToUpperInvariant();
                if (code.Length != 3) throw Invalid(field, $"{where}: Currency '{code}' is not an ISO 4217 code such as USD or EUR.");
                var amount = Number(Get(map, "Amount"), where, "Amount");
                var fallback = Get(map, "Fallback") is object f ? Text(f, where, "Fallback")
                    : amount.ToString("0.00", CultureInfo.InvariantCulture) + " " + code;
                return new CurrencyParameter(code, amount, fallback);
            }
            if ((Get(map, "DateTime") ?? Get(map, "Date")) is object date)
            {
                var fallback = Get(map, "Fallback") is object f ? Text(f, where, "Fallback")
                    : date is DateTime dt ? dt.ToString("MMMM d, yyyy", CultureInfo.InvariantCulture)
                    : date is DateTimeOffset dto ? dto.ToString("MMMM d, yyyy", CultureInfo.InvariantCulture)
                    : Text(date, where, "DateTime");
                return new DateTimeParameter(fallback);
            }
            if (Get(map, "Text") is object text) return new TextParameter(Text(text, where, "Text"));
            throw Invalid(field, $"{where}: a hashtable needs Currency and Amount (@{{ Currency='USD'; Amount=25.0; Fallback='$25.00' }}), DateTime (@{{ DateTime=(Get-Date); Fallback='May 1' }}) or Text.");
        }
        return new TextParameter(Text(value, where, null));
    }

    public static TemplateParameter HeaderParameter(object? value)
    {
        const string field = "HeaderParameter";
        if (value is IDictionary map)
        {
            foreach (var kind in new[] { "image", "video", "document" })
            {
                if (Get(map, kind) is not object media) continue;
                var reference = Text(media, field, kind);
                var isLink = reference.StartsWith("https://", StringComparison.OrdinalIgnoreCase) ||
                             reference.StartsWith("http://", StringComparison.OrdinalIgnoreCase);
                var filename = Get(map, "Filename") is object f ? Text(f, field, "Filename") : null;
                if (filename != null && kind != "document") throw Invalid(field, $"{field}: Filename goes only with Document.");
                return new MediaParameter(kind, isLink ? reference : null, isLink ? null : reference, filename);
            }
            if (Get(map, "Location") != null || Get(map, "Latitude") != null)
            {
                var location = Get(map, "Location") as IDictionary ?? map;
                return new LocationParameter((double)Number(Get(location, "Latitude"), field, "Latitude"),
                    (double)Number(Get(location, "Longitude"), field, "Longitude"),
                    Get(location, "Name") is object n ? Text(n, field, "Name") : null,
                    Get(location, "Address") is object a ? Text(a, field, "Address") : null);
            }
            if (Get(map, "Text") is object text) return new TextParameter(Text(text, field, "Text"));
            throw Invalid(field, $"{field}: a hashtable needs Image, Video or Document (a link or a media id; Document may add Filename), Location (Latitude, Longitude, Name, Address) or Text.");
        }
        return new TextParameter(Text(value, field, null));
    }

    public static TemplateButton Button(object? value, int position)
    {
        const string field = "ButtonParameter";
        var where = $"{field} {position}";
        if (value is not IDictionary map)
            throw Invalid(field, $"{where}: give a hashtable, e.g. @{{ Index=0; Url='summer' }}, @{{ Index=1; QuickReply='STOP' }} or @{{ Index=2; CopyCode='SAVE20' }}.");
        var index = Get(map, "Index") is object i ? (int)Number(i, where, "Index") : position - 1;
        if (index < 0 || index > 9) throw Invalid(field, $"{where}: Index {index} is out of range: buttons are numbered from 0.");
        if (Get(map, "Url") is object url) return new TemplateButton("url", index, Text(url, where, "Url"));
        if ((Get(map, "QuickReply") ?? Get(map, "Payload")) is object payload) return new TemplateButton("quick_reply", index, Text(payload, where, "QuickReply"));
        if ((Get(map, "CopyCode") ?? Get(map, "Coupon")) is object coupon)
        {
            var code = Text(coupon, where, "CopyCode");
            // Meta: coupon codes are at most 15 characters.
            if (code.Length > 15) throw Invalid(field, $"{where}: CopyCode '{code}' has {code.Length} characters; the most is 15.");
            return new TemplateButton("copy_code", index, code);
        }
        throw Invalid(field, $"{where}: the hashtable needs Url (the URL suffix), QuickReply (the payload) or CopyCode (the coupon).");
    }

    /// <summary>A raw component: a JSON object string, or a hashtable written as JSON.</summary>
    public static string RawComponent(object? value, int position)
    {
        const string field = "Component";
        var where = $"{field} {position}";
        string json;
        if (value is string text)
        {
            try
            {
                using var doc = JsonDocument.Parse(text);
                if (doc.RootElement.ValueKind != JsonValueKind.Object) throw Invalid(field, $"{where} is not a JSON object.");
            }
            catch (JsonException ex)
            {
                throw Invalid(field, $"{where} is not valid JSON: {ex.Message}");
            }
            json = text;
        }
        else if (value is IDictionary map)
        {
            using var stream = new MemoryStream();
            using (var w = new Utf8JsonWriter(stream, TemplateMessage.WriterOptions)) WriteValue(w, map, where, field);
            json = Encoding.UTF8.GetString(stream.ToArray());
        }
        else throw Invalid(field, $"{where}: give a hashtable or a JSON string, e.g. @{{ type='limited_time_offer'; parameters=@(…) }}.");

        using (var check = JsonDocument.Parse(json))
            if (!check.RootElement.TryGetProperty("type", out _))
                throw Invalid(field, $"{where} has no \"type\" (header, body, button, carousel, limited_time_offer, …).");
        return json;
    }

    private static void WriteValue(Utf8JsonWriter w, object? value, string where, string field)
    {
        switch (value)
        {
            case null: w.WriteNullValue(); break;
            case string s: w.WriteStringValue(s); break;
            case bool b: w.WriteBooleanValue(b); break;
            case IDictionary map:
                w.WriteStartObject();
                foreach (DictionaryEntry e in map)
                {
                    w.WritePropertyName(Convert.ToString(e.Key, CultureInfo.InvariantCulture) ?? string.Empty);
                    WriteValue(w, e.Value, where, field);
                }
                w.WriteEndObject();
                break;
            case IEnumerable list:
                w.WriteStartArray();
                foreach (var item in list) WriteValue(w, item, where, field);
                w.WriteEndArray();
                break;
            case int or long or short or byte: w.WriteNumberValue(Convert.ToInt64(value, CultureInfo.InvariantCulture)); break;
            case double or float or decimal: w.WriteNumberValue(Convert.ToDecimal(value, CultureInfo.InvariantCulture)); break;
            default: w.WriteStringValue(Convert.ToString(value, CultureInfo.InvariantCulture)); break;
        }
    }

    private static object? Get(IDictionary map, string key)
    {
        foreach (DictionaryEntry e in map)
            if (string.Equals(Convert.ToString(e.Key, CultureInfo.InvariantCulture), key, StringComparison.OrdinalIgnoreCase)) return e.Value;
        return null;
    }

    private static string Text(object? value, string where, string? key)
    {
        var text = value switch
        {
            null => null,
            string s => s,
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            _ => value.ToString(),
        };
        if (string.IsNullOrEmpty(text))
            throw Invalid(where.Split(' ')[0], key is null
                ? $"{where} is empty: every {{{{n}}}} placeholder of the template needs a value."
                : $"{where}: {key} is empty.");
        return text!;
    }

    private static decimal Number(object? value, string where, string key)
    {
        try
        {
            return value switch
            {
                null => throw new FormatException(),
                string s => decimal.Parse(s, NumberStyles.Number, CultureInfo.InvariantCulture),
                _ => Convert.ToDecimal(value, CultureInfo.InvariantCulture),
            };
        }
        catch (Exception ex) when (ex is FormatException || ex is InvalidCastException || ex is OverflowException)
        {
            throw Invalid(where.Split(' ')[0], $"{where}: {key} '{value}' is not a number.");
        }
    }

    // Each parameter has its own fixed ErrorId; the id is chosen here, never built from the field's name.
    private static MessageValidationException Invalid(string field, string message) =>
        new(field, field switch
        {
            "BodyParameter" => ValidationReason.InvalidBodyParameter,
            "HeaderParameter" => ValidationReason.InvalidHeaderParameter,
            "ButtonParameter" => ValidationReason.InvalidButtonParameter,
            "Component" => ValidationReason.InvalidComponent,
            _ => throw new ArgumentOutOfRangeException(nameof(field), field, "No ErrorId for this field."),
        }, message);
}
