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

    /// <summary>-BodyParameterProperty: one body value from each named column of the record.</summary>
    public static IReadOnlyList<TemplateParameter> FromColumns(PSObject? row, string[] columns)
    {
        var values = new List<TemplateParameter>(columns.Length);
        for (var i = 0; i < columns.Length; i++)
        {
            var property = row?.Properties[columns[i]];
            if (property is null)
                throw new MessageValidationException("BodyParameterProperty", ValidationReason.MissingColumn,
                    $"the input has no column '{columns[i]}' (BodyParameterProperty {i + 1}): check the CSV header.");
            try { values.Add(TemplateValues.BodyParameter(Unwrap(property.Value), i + 1)); }
            catch (MessageValidationException ex)
            {
                throw new MessageValidationException(ex.Field, ex.Reason, $"column '{columns[i]}': {ex.Message}");
            }
        }
        return values;
    }
}

/// <summary>
/// -BodyParameter, -HeaderParameter and -ButtonParameter may come from each pipeline object's properties: the parts
/// are converted again only when the bound values changed, so a run with the same values for all converts once.
/// </summary>
internal sealed class RecordParts
{
    private readonly object[]? _components;
    private MessageParts _parts;
    private (object[]? Body, object[]? Header, object[]? Buttons) _from;

    /// <summary>Converts the values bound before the first record (a bad one stops the run there).</summary>
    public RecordParts(object[]? body, object[]? header, object[]? buttons, object[]? components)
    {
        _components = components;
        _parts = MessageParts.Create(body, header, buttons, components);
        _from = (body, header, buttons);
    }

    public MessageParts For(object[]? body, object[]? header, object[]? buttons)
    {
        if (ReferenceEquals(_from.Body, body) && ReferenceEquals(_from.Header, header) && ReferenceEquals(_from.Buttons, buttons)) return _parts;
        // Remembered only once converted: a row with bad values gets its own error, and so does the next row like it.
        var parts = MessageParts.Create(body, header, buttons, _components);
        (_parts, _from) = (parts, (body, header, buttons));
        return parts;
    }
}
