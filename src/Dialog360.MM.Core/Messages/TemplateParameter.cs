using System.Globalization;
using System.Text.Json;

namespace Dialog360.MM.Core.Messages;

/// <summary>
/// One parameter of a template component. Shapes: schema TemplateObject/TemplateComponent in Meta's OpenAPI file
/// (tests/fixtures/meta-openapi) and Meta's "Send template messages" page (currency, date_time, media, location, coupon_code).
/// </summary>
public abstract class TemplateParameter
{
    public abstract void WriteTo(Utf8JsonWriter writer);
}

/// <summary>{"type":"text","text":"…"}</summary>
public sealed class TextParameter : TemplateParameter
{
    public TextParameter(string text) => Text = text;

    public string Text { get; }

    public override void WriteTo(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteString("type", "text");
        writer.WriteString("text", Text);
        writer.WriteEndObject();
    }

    public override string ToString() => Text;
}

/// <summary>{"type":"currency","currency":{"fallback_value","code","amount_1000"}}: the amount times 1000, as Meta wants it.</summary>
public sealed class CurrencyParameter : TemplateParameter
{
    public CurrencyParameter(string code, decimal amount, string fallback)
    {
        Code = code;
        Amount1000 = (long)decimal.Round(amount * 1000m, 0, System.MidpointRounding.AwayFromZero);
        Fallback = fallback;
    }

    public string Code { get; }
    public long Amount1000 { get; }
    public string Fallback { get; }

    public override void WriteTo(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteString("type", "currency");
        writer.WriteStartObject("currency");
        writer.WriteString("fallback_value", Fallback);
        writer.WriteString("code", Code);
        writer.WriteNumber("amount_1000", Amount1000);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    public override string ToString() => Fallback;
}

/// <summary>{"type":"date_time","date_time":{"fallback_value":"…"}}: WhatsApp shows the fallback text.</summary>
public sealed class DateTimeParameter : TemplateParameter
{
    public DateTimeParameter(string fallback) => Fallback = fallback;

    public string Fallback { get; }

    public override void WriteTo(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteString("type", "date_time");
        writer.WriteStartObject("date_time");
        writer.WriteString("fallback_value", Fallback);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    public override string ToString() => Fallback;
}

/// <summary>Header media: {"type":"image","image":{"link":"…"}} or {"id":"…"}; documents may carry a filename.</summary>
public sealed class MediaParameter : TemplateParameter
{
    public MediaParameter(string kind, string? link, string? id, string? filename = null)
    {
        Kind = kind;
        Link = link;
        Id = id;
        Filename = filename;
    }

    /// <summary>image, video or document.</summary>
    public string Kind { get; }
    public string? Link { get; }
    public string? Id { get; }
    public string? Filename { get; }

    public override void WriteTo(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteString("type", Kind);
        writer.WriteStartObject(Kind);
        if (Id != null) writer.WriteString("id", Id);
        else writer.WriteString("link", Link);
        if (Filename != null) writer.WriteString("filename", Filename);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    public override string ToString() => Link ?? Id ?? string.Empty;
}

/// <summary>Header location: {"type":"location","location":{"latitude","longitude","name","address"}}.</summary>
public sealed class LocationParameter : TemplateParameter
{
    public LocationParameter(double latitude, double longitude, string? name, string? address)
    {
        Latitude = latitude;
        Longitude = longitude;
        Name = name;
        Address = address;
    }

    public double Latitude { get; }
    public double Longitude { get; }
    public string? Name { get; }
    public string? Address { get; }

    public override void WriteTo(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteString("type", "location");
        writer.WriteStartObject("location");
        writer.WriteString("latitude", Latitude.ToString("R", CultureInfo.InvariantCulture));
        writer.WriteString("longitude", Longitude.ToString("R", CultureInfo.InvariantCulture));
        if (Name != null) writer.WriteString("name", Name);
        if (Address != null) writer.WriteString("address", Address);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    public override string ToString() => $"{Latitude},{Longitude}";
}
