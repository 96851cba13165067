using System;
using System.Globalization;
using System.Text;

namespace Dialog360.MM.Core.Reporting;

/// <summary>
/// A small writer of HTML and inline SVG text: markup the report writes itself goes in as is, and every value from
/// outside (campaign names, callback data, error titles: webhooks are untrusted) only through <see cref="Text"/> and
/// attribute values, which encode it. Hand-written rather than a template engine: the page is one fixed layout, and
/// this keeps the module free of a dependency whose escaping rules would have to be checked as closely.
/// </summary>
internal sealed class HtmlText
{
    private readonly StringBuilder _out = new(32 * 1024);

    /// <summary>Fixed markup written by the report itself; never a value from the input.</summary>
    public HtmlText Markup(string markup)
    {
        _out.Append(markup);
        return this;
    }

    /// <summary>Text content, encoded.</summary>
    public HtmlText Text(string? text)
    {
        Encode(_out, text);
        return this;
    }

    /// <summary>Text from the input (a name a webhook or a file gave): encoded and isolated, so right-to-left or
    /// bidi control characters in it cannot reorder the text around it.</summary>
    public HtmlText Untrusted(string? text)
    {
        _out.Append("<bdi>");
        Encode(_out, text);
        _out.Append("</bdi>");
        return this;
    }

    /// <summary>An opening tag with attributes (name, value): a null value leaves the attribute out; values are encoded.</summary>
    public HtmlText Open(string tag, params (string Name, string? Value)[] attributes)
    {
        _out.Append('<').Append(tag);
        foreach (var (name, value) in attributes)
        {
            if (value is null) continue;
            _out.Append(' ').Append(name).Append("=\"");
            Encode(_out, value);
            _out.Append('"');
        }
        _out.Append('>');
        return this;
    }

    public HtmlText Close(string tag)
    {
        _out.Append("</").Append(tag).Append('>');
        return this;
    }

    /// <summary>An element holding encoded text.</summary>
    public HtmlText Element(string tag, string? text, params (string Name, string? Value)[] attributes) =>
        Open(tag, attributes).Text(text).Close(tag);

    public override string ToString() => _out.ToString();

    /// <summary>
    /// The five characters that can end text or an attribute become entities; characters HTML does not allow in a
    /// document (controls other than tab and line breaks, lone surrogates, U+FFFE/U+FFFF) become U+FFFD.
    /// </summary>
    public static void Encode(StringBuilder into, string? text)
    {
        if (text is null) return;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            switch (c)
            {
                case '&': into.Append("&amp;"); continue;
                case '<': into.Append("&lt;"); continue;
                case '>': into.Append("&gt;"); continue;
                case '"': into.Append("&quot;"); continue;
                case '\'': into.Append("&#39;"); continue;
                case '\t' or '\n': into.Append(c); continue;
                case '\r': into.Append('\n'); continue;
            }
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                into.Append(c).Append(text[++i]);
                continue;
            }
            var forbidden = c < 0x20 || (c >= 0x7F && c <= 0x9F) || char.IsSurrogate(c) || c == '\uFFFE' || c == '\uFFFF';
            into.Append(forbidden ? '\uFFFD' : c);
        }
    }

    public static string Encode(string? text)
    {
        var sb = new StringBuilder();
        Encode(sb, text);
        return sb.ToString();
    }

    /// <summary>A number for SVG coordinates: invariant, at most two decimals.</summary>
    public static string Coordinate(double value) => Math.Round(value, 2).ToString("0.##", CultureInfo.InvariantCulture);
}
