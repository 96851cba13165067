using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Dialog360.MM.Core.Reporting;
using Dialog360.MM.Core.Webhooks;

namespace Dialog360.MM.Core.Tests.Webhooks;

/// <summary>
/// Damaged webhook files, made from the fixtures' good lines: damage costs at most the delivery or line it is in, and
/// the three ways a file is read (events one by one, the funnel on one core, the funnel on parts read at once) give the
/// same funnel and the same errors, damage across a part boundary included.
/// </summary>
public sealed class DamagedFileTests : IDisposable
{
    public enum Damage
    {
        TrailingComma, TrailingBrace, TrailingWords, GluedGood, GluedCut, CutAfterBrace, CutInString, CutAfterColon,
        CutAfterComma, CutAndNextGlued, GarbageLine, StrayClosers, TailOfALine, NotUtf8, PrettyWithGarbage,
        OneLineArrayUnclosed, OneLineArrayBroken, PrettyArrayCut,
    }

    private const int Lines = 300;
    private const int Parts = 6;
    private readonly string _folder = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "mm-damaged-" + Guid.NewGuid().ToString("N"))).FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    // Good fixture lines with one status each, which get a message id of their own per line; and other good lines (clicks, a reply) as they are.
    private static readonly string[] StatusLines = FixtureLines().Where(l => l.Contains("\"statuses\"") && Regex.Matches(l, @"wamid\.[A-Za-z0-9]+").Count == 1).ToArray();
    private static readonly string[] OtherLines = FixtureLines().Where(l => !l.Contains("\"statuses\"")).ToArray();

    private static IEnumerable<string> FixtureLines()
    {
        foreach (var name in new[] { "campaign.jsonl", "pricing.jsonl" })
        {
            foreach (var line in File.ReadAllLines(WebhookReaderTests.Fixture(name)))
            {
                // The fixture's own half line is not a good line.
                if (line.Length == 0 || !IsJson(line)) continue;
                yield return line;
            }
        }
    }

    private static bool IsJson(string text)
    {
        try { using var _ = JsonDocument.Parse(text); return true; }
        catch (JsonException) { return false; }
    }

    /// <summary>One line of the file (or several, once damaged); a status line has its number in its message id, wamid.L{n}.</summary>
    private sealed class Line
    {
        public Line(string text, params int[] tags) { Text = text; Tags = new List<int>(tags); }
        public string Text;
        public readonly List<int> Tags;
        /// <summary>Its deliveries may be lost: they are in the damaged line.</summary>
        public bool Damaged;
    }

    private static List<Line> GoodLines()
    {
        var lines = new List<Line>();
        for (var n = 0; n < Lines; n++)
        {
            if (n % 17 == 5) lines.Add(new Line(OtherLines[n % OtherLines.Length]));
            else lines.Add(new Line(Regex.Replace(StatusLines[n % StatusLines.Length], @"wamid\.[A-Za-z0-9]+", "wamid.L" + n), n));
        }
        return lines;
    }

    private static string Pretty(string json, string indent)
    {
        using var doc = JsonDocument.Parse(json);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true })) doc.WriteTo(writer);
        return indent + Encoding.UTF8.GetString(buffer.ToArray()).Replace("\r\n", "\n").Replace("\n", "\n" + indent);
    }

    /// <summary>Damages the file at the status line at or after <paramref name="p"/> (and the line after it, for damage that takes two).</summary>
    private static void Apply(List<Line> lines, int p, Damage damage)
    {
        p = Math.Min(p, lines.Count - 2);
        if (lines[p].Tags.Count == 0) p++;
        var line = lines[p];
        var next = lines[p + 1];
        var text = line.Text;
        void Insert(string t) => lines.Insert(p, new Line(t) { Damaged = true });
        void Cut(int at) { line.Text = text.Substring(0, at); line.Damaged = true; }
        // The line after takes the place of two lines joined into one.
        void JoinNext(string joined, bool damaged)
        {
            line.Text = joined;
            line.Tags.AddRange(next.Tags);
            line.Damaged = damaged;
            lines.RemoveAt(p + 1);
        }
        var id = text.IndexOf("wamid.", StringComparison.Ordinal);
        switch (damage)
        {
            case Damage.TrailingComma: line.Text += ","; line.Damaged = true; break;
            case Damage.TrailingBrace: line.Text += " }"; line.Damaged = true; break;
            case Damage.TrailingWords: line.Text += " and then some words"; line.Damaged = true; break;
            // Two deliveries with no line break between them: both are whole, and both are read.
            case Damage.GluedGood: JoinNext(text + next.Text, damaged: false); break;
            case Damage.GluedCut: line.Text += next.Text.Substring(0, next.Text.Length / 3); line.Damaged = true; break;
            case Damage.CutAfterBrace: Cut(text.IndexOf("{\"id\"", StringComparison.Ordinal) + 1); break;
            case Damage.CutInString: Cut(id + 3); break;
            case Damage.CutAfterColon: Cut(text.IndexOf("\"statuses\":", StringComparison.Ordinal) + "\"statuses\":".Length); break;
            case Damage.CutAfterComma: Cut(text.IndexOf(',', id) + 1); break;
            // A writer stopped mid-line, and the next delivery was appended to the half line.
            case Damage.CutAndNextGlued: JoinNext(text.Substring(0, text.Length / 2) + next.Text, damaged: true); break;
            case Damage.GarbageLine: Insert("this line is not JSON at all"); break;
            case Damage.StrayClosers: Insert("}]}"); break;
            case Damage.TailOfALine: Insert(text.Substring(text.Length / 2)); break;
            case Damage.NotUtf8: line.Text = text.Replace("\"status\"", "\"st\u0001atus\""); line.Damaged = true; break;
            // Pretty-printed deliveries with garbage between them, and after the second on its closing line: both are read.
            case Damage.PrettyWithGarbage:
                JoinNext(Pretty(text, "") + "\nsome garbage between them\n" + Pretty(next.Text, "") + " trailing garbage", damaged: false);
                break;
            // "[a,b" and no ']': a, b and every line after them are read.
            case Damage.OneLineArrayUnclosed: JoinNext("[" + text + "," + next.Text, damaged: false); break;
            // "[a,broken,b]": a is read; b, on the rest of the line, may be lost.
            case Damage.OneLineArrayBroken:
                line.Text = "[" + text + ",{\"entry\":[}," + next.Text + "]";
                next.Text = "{\"entry\":[]}";
                next.Tags.Clear();
                break;
            // A pretty-printed array, never closed, whose second delivery is cut: the first is read, and every line after the cut.
            case Damage.PrettyArrayCut:
                var second = Pretty(next.Text, "  ").Split('\n');
                line.Text = "[\n" + Pretty(text, "  ") + ",\n" + string.Join("\n", second.Take(second.Length / 2));
                next.Text = "{\"entry\":[]}";
                next.Tags.Clear();
                break;
        }
    }

    private (string Path, HashSet<int> Expected) Write(List<Line> lines, string name)
    {
        var path = Path.Combine(_folder, name + ".jsonl");
        var bytes = Encoding.UTF8.GetBytes(string.Join("\n", lines.Select(l => l.Text)) + "\n");
        for (var i = 0; i < bytes.Length; i++) if (bytes[i] == 1) bytes[i] = 0xFF;
        File.WriteAllBytes(path, bytes);
        return (path, new HashSet<int>(lines.Where(l => !l.Damaged).SelectMany(l => l.Tags)));
    }

    /// <summary>Line indexes around the places where the undamaged file is cut into parts, and at its start, middle and end.</summary>
    private List<int> Positions()
    {
        var (path, _) = Write(GoodLines(), "good");
        var bytes = File.ReadAllBytes(path);
        var positions = new List<int> { 0, 1, Lines / 2, Lines - 2, Lines - 1 };
        using var file = File.OpenRead(path);
        foreach (var (start, _) in WebhookFileParts.Split(file, Parts, bytes.Length / Parts).Skip(1))
        {
            var line = bytes.Take((int)start).Count(b => b == (byte)'\n');
            positions.AddRange(new[] { line - 2, line - 1, line, line + 1 });
        }
        Assert.True(positions.Count > 20, "The good file should be cut into several parts.");
        return positions.Distinct().OrderBy(p => p).ToList();
    }

    private static string Fold(Funnel funnel) => JsonSerializer.Serialize(funnel.Summarize());

    private static List<string> Describe(List<WebhookReadError> errors) => errors.Select(e => $"{e.Line} {e.Problem} {e.Message}").ToList();

    /// <summary>
    /// Reads the file the three ways, asserts that they agree on the funnel, the number of events and the errors, and
    /// returns the events and errors of the first.
    /// </summary>
    private static (List<MMWebhookEvent> Events, List<WebhookReadError> Errors) ReadAllWays(string path, int maxDeliveryBytes = WebhookReader.DefaultMaxDeliveryBytes)
    {
        var errors = new List<WebhookReadError>();
        List<MMWebhookEvent> events;
        using (var stream = File.OpenRead(path)) events = WebhookReader.Read(stream, path, errors.Add, default, maxDeliveryBytes).ToList();
        var fromEvents = new Funnel();
        foreach (var e in events) fromEvents.Add(e);

        var whole = new Funnel();
        var wholeErrors = new List<WebhookReadError>();
        long wholeCount;
        using (var stream = File.OpenRead(path)) wholeCount = whole.AddFrom(stream, path, wholeErrors.Add, default, maxDeliveryBytes);

        var parted = new Funnel();
        var partErrors = new List<WebhookReadError>();
        var partCount = parted.AddFile(path, partErrors.Add, default, maxDeliveryBytes, Parts, new FileInfo(path).Length / Parts);

        Assert.Equal(events.Count, wholeCount);
        Assert.Equal(events.Count, partCount);
        var funnel = Fold(fromEvents);
        Assert.Equal(funnel, Fold(whole));
        Assert.Equal(funnel, Fold(parted));
        Assert.Equal(Describe(errors), Describe(wholeErrors));
        Assert.Equal(Describe(errors), Describe(partErrors));
        return (events, errors);
    }

    private static void AssertEveryUndamagedDeliveryRead(List<MMWebhookEvent> events, HashSet<int> expected, string what)
    {
        var read = new HashSet<string>(events.OfType<MMStatusEvent>().Select(s => s.MessageId!));
        var missing = expected.Where(n => !read.Contains("wamid.L" + n)).ToList();
        Assert.True(missing.Count == 0, $"{what}: the deliveries of undamaged lines with ids {string.Join(", ", missing.Take(10))} were not read.");
    }

    public static TheoryData<Damage> Damages()
    {
        var data = new TheoryData<Damage>();
        foreach (Damage d in Enum.GetValues(typeof(Damage))) data.Add(d);
        return data;
    }

    [Theory]
    [MemberData(nameof(Damages))]
    public void Damage_at_any_place_costs_at_most_its_line_and_every_way_of_reading_agrees(Damage damage)
    {
        foreach (var p in Positions())
        {
            var lines = GoodLines();
            Apply(lines, p, damage);
            var (path, expected) = Write(lines, $"{damage}-{p}");
            var (events, errors) = ReadAllWays(path);
            AssertEveryUndamagedDeliveryRead(events, expected, $"{damage} at line {p + 1}");
            if (damage != Damage.GluedGood) Assert.NotEmpty(errors);
            // One damage is one error, or two where it is two things (garbage twice among pretty-printed deliveries) —
            // never one for each later line.
            Assert.InRange(errors.Count, 0, 2);
        }
    }

    [Fact]
    public void Several_damages_in_one_file_cost_only_their_lines_and_every_way_of_reading_agrees()
    {
        var random = new Random(20260613);
        var kinds = (Damage[])Enum.GetValues(typeof(Damage));
        var sawTooLarge = false;
        for (var file = 0; file < 40; file++)
        {
            var lines = GoodLines();
            // Far enough apart that no damage touches another's lines; applied from the end so positions stay put.
            var places = Enumerable.Range(0, 4).Select(i => i * (Lines / 4) + random.Next(Lines / 4 - 3)).OrderByDescending(p => p);
            var applied = new List<string>();
            foreach (var p in places)
            {
                var kind = kinds[random.Next(kinds.Length)];
                Apply(lines, p, kind);
                applied.Add($"{kind} at {p}");
            }
            var (path, expected) = Write(lines, "mixed-" + file);
            var (events, errors) = ReadAllWays(path);
            AssertEveryUndamagedDeliveryRead(events, expected, string.Join(", ", applied));
            Assert.InRange(errors.Count, 0, 8);
            // With a maximum delivery size that two lines run together, or a pretty-printed delivery, go over: those
            // are skipped as too large, and the ways of reading still agree.
            sawTooLarge |= ReadAllWays(path, maxDeliveryBytes: 900).Errors.Any(e => e.Problem == WebhookReadProblem.TooLarge);
        }
        Assert.True(sawTooLarge);
    }
}
