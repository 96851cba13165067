using System.Text.Json;

namespace Dialog360.MM.Core.Messages;

/// <summary>
/// A button component: {"type":"button","sub_type":"url|quick_reply|copy_code","index":"0","parameters":[…]}.
/// url takes a text parameter (the URL suffix), quick_reply a payload, copy_code a coupon_code (Meta, "Send template
/// messages"; TemplateComponent in the OpenAPI file, whose index is a string).
/// </summary>
public sealed class TemplateButton
{
    public TemplateButton(string subType, int index, string value)
    {
        SubType = subType;
        Index = index;
        Value = value;
    }

    public string SubType { get; }
    public int Index { get; }
    public string Value { get; }

    public void WriteTo(Utf8JsonWriter w)
    {
        w.WriteStartObject();
        w.WriteString("type", "button");
        w.WriteString("sub_type", SubType);
        w.WriteString("index", Index.ToString(System.Globalization.CultureInfo.InvariantCulture));
        w.WriteStartArray("parameters");
        w.WriteStartObject();
        switch (SubType)
        {
            case "quick_reply":
                w.WriteString("type", "payload");
                w.WriteString("payload", Value);
                break;
            case "copy_code":
                w.WriteString("type", "coupon_code");
                w.WriteString("coupon_code", Value);
                break;
            default:
                w.WriteString("type", "text");
                w.WriteString("text", Value);
                break;
        }
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteEndObject();
    }
}
