using System;
using System.Collections;
using System.Collections.Generic;
using System.Collections.Specialized;
using System.Management.Automation;
using Dialog360.MM.Core.Messages;

namespace Dialog360.MM.Commands.Sending;

/// <summary>
/// The parts of a template message that are the same for every recipient, converted once from what the user typed.
/// PowerShell wraps values in PSObject and builds PSCustomObjects; Core takes plain values, so they are unwrapped here.
/// </summary>
internal sealed class MessageParts
{
    private MessageParts(IReadOnlyList<TemplateParameter> body, IReadOnlyList<TemplateParameter> header,
        IReadOnlyList<TemplateButton> buttons, IReadOnlyList<string> components)
    {
        Body = body;
        Header = header;
        Buttons = buttons;
        Components = components;
    }

    public IReadOnlyList<TemplateParameter> Body { get; }
    public IReadOnlyList<TemplateParameter> Header { get; }
    public IReadOnlyList<TemplateButton> Buttons { get; }
    public IReadOnlyList<string> Components { get; }

    public static MessageParts Create(object[]? body, object[]? header, object[]? buttons, object[]? components)
    {
        var bodyParameters = Convert(body, (v, i) => TemplateValues.BodyParameter(v, i));
        if (header != null && header.Length > 1)
            throw new MessageValidationException("HeaderParameter", ValidationReason.InvalidHeaderParameter,
                "HeaderParameter takes one value: a template header has one parameter (text, media or location).");
        return new MessageParts(bodyParameters, Convert(header, (v, _) => TemplateValues.HeaderParameter(v)),
            Convert(buttons, (v, i) => TemplateValues.Button(v, i)), Convert(components, (v, i) => TemplateValues.RawComponent(v, i)));
    }

    private static IReadOnlyList<T> Convert<T>(object[]? values, Func<object?, int, T> convert)
    {
        if (values is null || values.Length == 0) return Array.Empty<T>();
        var result = new List<T>(values.Length);
        for (var i = 0; i < values.Length; i++) result.Add(convert(Unwrap(values[i]), i + 1));
        return result;
    }

    /// <summary>PSObject → its base object; PSCustomObject → an ordered dictionary of its properties; nested values likewise.</summary>
    public static object? Unwrap(object? value)
    {
        if (value is PSObject pso)
        {
            if (pso.BaseObject is PSCustomObject)
            {
                var map = new OrderedDictionary(StringComparer.OrdinalIgnoreCase);
                foreach (var p in pso.Properties) map[p.Name] = Unwrap(p.Value);
                return map;
            }
            value = pso.BaseObject;
        }
        switch (value)
        {
            case IDictionary dictionary:
                var copy = new OrderedDictionary(StringComparer.OrdinalIgnoreCase);
                foreach (DictionaryEntry e in dictionary) copy[e.Key] = Unwrap(e.Value);
                return copy;
            case object[] array:
                var items = new object?[array.Length];
                for (var i = 0; i < array.Length; i++) items[i] = Unwrap(array[i]);
                return items;
            default:
                return value;
        }
    }
}
