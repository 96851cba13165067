using System;
using System.Collections.Generic;
using System.Linq;
using static Dialog360.MM.Core.Reporting.HtmlText;

namespace Dialog360.MM.Core.Reporting;

/// <summary>
/// The report's charts as inline SVG, drawn from the numbers alone (no script, no font or image fetched): bars with
/// their labels and values written beside them. Every chart repeats numbers a table next to it also holds, so a mail
/// client that drops SVG loses nothing but the picture.
/// </summary>
internal static class ReportCharts
{
    private const double Width = 760;

    /// <summary>One bar, or one part of a stacked bar.</summary>
    public readonly struct Segment
    {
        public Segment(string name, double value, string color)
        {
            Name = name;
            Value = value;
            Color = color;
        }

        public string Name { get; }
        public double Value { get; }
        public string Color { get; }
    }

    /// <summary>A labelled row of horizontal bar segments with the text written after it.</summary>
    public sealed class BarRow
    {
        public BarRow(string label, string valueText, params Segment[] segments)
        {
            Label = label;
            ValueText = valueText;
            Segments = segments;
        }

        public string Label { get; }
        public string ValueText { get; }
        public IReadOnlyList<Segment> Segments { get; }
    }

    /// <summary>Horizontal bars, one row each, scaled to the largest row total.</summary>
    public static void HorizontalBars(HtmlText html, string description, IReadOnlyList<BarRow> rows, double labelWidth = 150)
    {
        const double rowHeight = 34, barHeight = 22, valueWidth = 170;
        var height = rows.Count * rowHeight + 6;
        var max = Math.Max(1e-9, rows.Max(r => r.Segments.Sum(s => s.Value)));
        var barArea = Width - labelWidth - valueWidth;
        OpenSvg(html, description, height);
        for (var i = 0; i < rows.Count; i++)
        {
            var row = rows[i];
            var top = i * rowHeight + 4;
            var middle = top + barHeight / 2 + 5;
            html.Open("text", ("x", Coordinate(labelWidth - 10)), ("y", Coordinate(middle)), ("text-anchor", "end"), ("class", "label"))
                .Text(row.Label).Close("text");
            // A track behind the bar shows the whole scale, so a short bar still reads as part of something.
            html.Open("rect", ("x", Coordinate(labelWidth)), ("y", Coordinate(top)), ("width", Coordinate(barArea)), ("height", Coordinate(barHeight)),
                ("rx", "4"), ("class", "track")).Close("rect");
            var x = labelWidth;
            foreach (var segment in row.Segments)
            {
                if (segment.Value <= 0) continue;
                var w = Math.Max(2, segment.Value / max * barArea);
                html.Open("rect", ("x", Coordinate(x)), ("y", Coordinate(top)), ("width", Coordinate(w)), ("height", Coordinate(barHeight)),
                    ("rx", "4"), ("fill", segment.Color)).Open("title").Text(segment.Name).Close("title").Close("rect");
                x += w;
            }
            html.Open("text", ("x", Coordinate(labelWidth + barArea + 10)), ("y", Coordinate(middle)), ("class", "value"))
                .Text(row.ValueText).Close("text");
        }
        html.Markup("</svg>");
    }

    /// <summary>One series of a column chart.</summary>
    public sealed class Series
    {
        public Series(string name, string color, IReadOnlyList<int> values)
        {
            Name = name;
            Color = color;
            Values = values;
        }

        public string Name { get; }
        public string Color { get; }
        public IReadOnlyList<int> Values { get; }
    }

    /// <summary>Columns per period, the series side by side, with a y axis of round numbers and a legend.</summary>
    public static void Columns(HtmlText html, string description, IReadOnlyList<string> labels, IReadOnlyList<Series> series)
    {
        const double left = 46, right = 8, top = 34, plotHeight = 190, bottom = 34;
        var height = top + plotHeight + bottom;
        var plotWidth = Width - left - right;
        var max = Math.Max(1, series.SelectMany(s => s.Values).DefaultIfEmpty(0).Max());
        var step = NiceStep(max);
        var axisMax = Math.Ceiling(max / step) * step;
        double Y(double v) => top + plotHeight - v / axisMax * plotHeight;

        OpenSvg(html, description, height);
        // Legend, top left.
        var lx = left;
        foreach (var s in series)
        {
            html.Open("rect", ("x", Coordinate(lx)), ("y", "6"), ("width", "12"), ("height", "12"), ("rx", "2"), ("fill", s.Color)).Close("rect");
            html.Open("text", ("x", Coordinate(lx + 18)), ("y", "16"), ("class", "legend")).Text(s.Name).Close("text");
            lx += 18 + 9 * s.Name.Length + 24;
        }
        for (var v = 0.0; v <= axisMax + step / 2; v += step)
        {
            var y = Y(v);
            html.Open("line", ("x1", Coordinate(left)), ("x2", Coordinate(Width - right)), ("y1", Coordinate(y)), ("y2", Coordinate(y)),
                ("class", v == 0 ? "axis" : "grid")).Close("line");
            html.Open("text", ("x", Coordinate(left - 6)), ("y", Coordinate(y + 4)), ("text-anchor", "end"), ("class", "tick"))
                .Text(v.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)).Close("text");
        }
        var n = labels.Count;
        if (n > 0)
        {
            var slot = plotWidth / n;
            var group = slot * 0.78;
            var bar = group / series.Count;
            var every = (int)Math.Ceiling(n / 8.0);
            var showValues = n <= 14;
            for (var i = 0; i < n; i++)
            {
                var x0 = left + i * slot + (slot - group) / 2;
                for (var k = 0; k < series.Count; k++)
                {
                    var value = series[k].Values[i];
                    if (value <= 0) continue;
                    var x = x0 + k * bar;
                    var y = Y(value);
                    html.Open("rect", ("x", Coordinate(x + 1)), ("y", Coordinate(y)), ("width", Coordinate(Math.Max(1, bar - 2))),
                        ("height", Coordinate(top + plotHeight - y)), ("rx", bar > 8 ? "2" : "0"), ("fill", series[k].Color))
                        .Open("title").Text(labels[i] + ": " + value.ToString("N0", System.Globalization.CultureInfo.InvariantCulture) + " " + series[k].Name.ToLowerInvariant()).Close("title").Close("rect");
                    if (showValues)
                        html.Open("text", ("x", Coordinate(x + bar / 2)), ("y", Coordinate(y - 4)), ("text-anchor", "middle"), ("class", "tick"))
                            .Text(value.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)).Close("text");
                }
                if (i % every == 0)
                    html.Open("text", ("x", Coordinate(left + i * slot + slot / 2)), ("y", Coordinate(top + plotHeight + 18)), ("text-anchor", "middle"),
                        ("class", "tick")).Text(labels[i]).Close("text");
            }
        }
        html.Markup("</svg>");
    }

    /// <summary>1, 2 or 5 times a power of ten, so that the axis has at most five steps.</summary>
    internal static double NiceStep(double max)
    {
        var raw = max / 5;
        var power = Math.Pow(10, Math.Floor(Math.Log10(Math.Max(raw, 1e-9))));
        foreach (var m in new[] { 1.0, 2, 5, 10 })
            if (m * power >= raw) return Math.Max(1, m * power);
        return Math.Max(1, 10 * power);
    }

    private static void OpenSvg(HtmlText html, string description, double height) =>
        html.Open("svg", ("viewBox", $"0 0 {Coordinate(Width)} {Coordinate(height)}"), ("width", Coordinate(Width)), ("height", Coordinate(height)),
                ("role", "img"), ("aria-label", description))
            .Open("title").Text(description).Close("title");
}
