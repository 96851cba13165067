using System.Text.Json;

namespace Dialog360.MM.Core.Messages;

/// <summary>One parameter of a template component (schema TemplateObject in Meta's OpenAPI file).</summary>
public abstract class TemplateParameter
{
    public abstract void WriteTo(Utf8JsonWriter writer);
}

/// <summary>A text parameter: {"type":"text","text":"…"}.</summary>
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
