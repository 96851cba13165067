using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using Dialog360.MM.Core.Webhooks;

namespace Dialog360.MM.Core.Tests.Webhooks;

/// <summary>
/// JsonScanner stands in for Utf8JsonReader on the webhook read path, so it must see the same tokens in valid JSON and
/// refuse the same broken JSON: a scanner more lenient would fold a damaged delivery without a word, a stricter one
/// would report a good delivery as broken. Each case is read by both and the outcomes compared.
/// </summary>
public sealed class JsonScannerTests
{
    private static readonly string Fixtures = Path.Combine(AppContext.BaseDirectory, "fixtures", "webhooks");

    /// <summary>Every token's kind, place and text, or the fact that the reader refused the input.</summary>
    private static List<string> ByUtf8JsonReader(byte[] json)
    {
        var tokens = new List<string>();
        try
        {
            var r = new Utf8JsonReader(json, isFinalBlock: true, state: default);
            while (r.Read()) tokens.Add(Describe(r.TokenType, (int)r.TokenStartIndex, r.TokenType is JsonTokenType.PropertyName ? -1 : (int)r.BytesConsumed,
                HasText(r.TokenType) ? Encoding.UTF8.GetString(r.ValueSpan.ToArray()) : "", r.ValueIsEscaped, HasText(r.TokenType) && r.TokenType != JsonTokenType.Number ? TryGetString(ref r) : ""));
        }
        catch (JsonException)
        {
            tokens.Add("refused");
        }
        return tokens;
    }

    private static List<string> ByJsonScanner(byte[] json)
    {
        var tokens = new List<string>();
        try
        {
            var r = new JsonScanner(json);
            while (r.Read()) tokens.Add(Describe(r.TokenType, r.TokenStartIndex, r.TokenType is JsonTokenType.PropertyName ? -1 : r.BytesConsumed,
                HasText(r.TokenType) ? Encoding.UTF8.GetString(r.ValueSpan.ToArray()) : "", r.ValueIsEscaped, HasText(r.TokenType) && r.TokenType != JsonTokenType.Number ? TryGetString(ref r) : ""));
        }
        catch (JsonException)
        {
            tokens.Add("refused");
        }
        return tokens;
    }

    private static bool HasText(JsonTokenType t) => t is JsonTokenType.String or JsonTokenType.PropertyName or JsonTokenType.Number;

    private static string TryGetString(ref Utf8JsonReader r)
    {
        try { return r.GetString()!; }
        catch (InvalidOperationException) { return "(undecodable)"; }
    }

    // The scanner says so with a JsonException, so that the reader reports the delivery rather than end the read.
    private static string TryGetString(ref JsonScanner r)
    {
        try { return r.GetString(); }
        catch (JsonException) { return "(undecodable)"; }
    }

    // The reader reports where a property name's token ends differently (before or after the colon); nothing reads it there.
    private static string Describe(JsonTokenType type, int start, int end, string raw, bool escaped, string text) =>
        $"{type} {start}-{end} [{raw}] {(escaped ? "escaped" : "")} {text}";

    private static void AssertSame(byte[] json)
    {
        var expected = ByUtf8JsonReader(json);
        var actual = ByJsonScanner(json);
        Assert.True(expected.SequenceEqual(actual),
            $"Input: {Encoding.UTF8.GetString(json)}\nUtf8JsonReader: {string.Join(" | ", expected)}\nJsonScanner:    {string.Join(" | ", actual)}");
    }

    public static IEnumerable<object[]> Cases() => new[]
    {
        "{}", "[]", " { } ", "{\"a\":1}", "{\"a\" : [ 1 , 2 ] }", "[[],{},[{}]]", "\"text\"", "0", "-0", "12.5e-3", "1E+9", "true", "false", "null",
        "[0,-1,1.0,-1.5e10,1e0,9223372036854775808]",
        "{\"s\":\"caf\u00e9 \\u00e9 \\ud83d\\ude00 \\\" \\\\ \\/ \\b \\f \\n \\r \\t\"}",
        "{\"lone\":\"\\ud800\"}", "{\"\\u0069d\":\"x\"}",
        // Broken: each one must be refused by both.
        "", " ", "{", "}", "[1,]", "{\"a\":1,}", "{,}", "[,1]", "{\"a\"}", "{\"a\":}", "{\"a\" 1}", "{a:1}", "['a']", "01", "1.", ".5", "-", "1e", "1e+",
        "+1", "tru", "nul", "True", "[1 2]", "{\"a\":1 \"b\":2}", "{} {}", "{}x", "\"a", "\"\\x\"", "\"\\u12\"", "\"\\u12G4\"", "\"a\tb\"", "\"a\u0001b\"",
        "[1]]", "{\"a\":[}", "/* c */ {}", "{} // c", "[\"a\",\"b\"", "{\"a\":\"b\"\"c\":1}", "[-]", "[1.e5]", "[01.5]", "[--1]", "[1x]", "[truex]", "NaN",
        new string('[', 64) + new string(']', 64), new string('[', 65) + new string(']', 65),
        "{\"a\":" + new string('[', 63) + new string(']', 63) + "}", "{\"a\":" + new string('[', 64) + new string(']', 64) + "}",
    }.Select(c => new object[] { c });

    [Theory]
    [MemberData(nameof(Cases))]
    public void Reads_each_case_as_Utf8JsonReader_does(string json) => AssertSame(Encoding.UTF8.GetBytes(json));

    [Fact]
    public void Reads_every_fixture_delivery_as_Utf8JsonReader_does()
    {
        var documents = Seeds().ToList();
        Assert.True(documents.Count > 20);
        foreach (var document in documents) AssertSame(document);
    }

    /// <summary>
    /// Damaged deliveries, as a truncated write or a bad edit leaves them: bytes deleted, doubled, replaced and inserted
    /// (the characters JSON's grammar turns on), at random places, reproducibly. Both readers must agree on each.
    /// </summary>
    [Fact]
    public void Refuses_the_same_damaged_deliveries_as_Utf8JsonReader()
    {
        var random = new Random(20261125);
        var alphabet = Encoding.ASCII.GetBytes("{}[],:\"\\0123456789-+.eEtrfaslnu \t\r\n/x\u0001");
        var refused = 0;
        var mutants = 0;
        foreach (var seed in Seeds())
        {
            for (var i = 0; i < 400; i++)
            {
                var bytes = seed.ToList();
                var at = random.Next(bytes.Count);
                switch (random.Next(5))
                {
                    case 0: bytes.RemoveAt(at); break;
                    case 1: bytes.Insert(at, bytes[at]); break;
                    case 2: bytes[at] = alphabet[random.Next(alphabet.Length)]; break;
                    case 3: bytes.Insert(at, alphabet[random.Next(alphabet.Length)]); break;
                    default: bytes.RemoveRange(at, bytes.Count - at); break;
                }
                var mutant = bytes.ToArray();
                // The reader refuses a delivery that is not UTF-8 before either parser sees it (Utf8Validation).
                if (!IsUtf8(mutant)) continue;
                AssertSame(mutant);
                mutants++;
                if (ByJsonScanner(mutant).LastOrDefault() == "refused") refused++;
            }
        }
        // The damage must be real often enough for the comparison to mean something.
        Assert.True(refused > mutants / 3, $"{refused} of {mutants} mutants refused");
    }

    [Fact]
    public void Skip_moves_past_a_property_value_or_to_the_end_of_a_container()
    {
        var r = new JsonScanner("{\"a\":{\"b\":[1,{\"c\":2}]},\"d\":3}"u8);
        r.Read();
        r.Read(); // "a"
        r.Skip();
        Assert.Equal(JsonTokenType.EndObject, r.TokenType);
        Assert.True(r.Read());
        Assert.True(r.ValueTextEquals("d"u8));
        r.Read();
        Assert.True(r.TryGetInt32(out var d));
        Assert.Equal(3, d);

        var array = new JsonScanner("[[1,[2]],3]"u8);
        array.Read();
        array.Read(); // inner [
        array.Skip();
        Assert.Equal(JsonTokenType.EndArray, array.TokenType);
        Assert.Equal(8, array.BytesConsumed);
        array.Read();
        Assert.Equal(JsonTokenType.Number, array.TokenType);
    }

    [Theory]
    [InlineData("123", true, 123)]
    [InlineData("-2147483648", true, int.MinValue)]
    [InlineData("2147483648", false, 0)]
    [InlineData("1.0", false, 0)]
    [InlineData("1e3", false, 0)]
    public void Reads_integers_as_Utf8JsonReader_does(string number, bool ok, int value)
    {
        var r = new JsonScanner(Encoding.ASCII.GetBytes(number));
        r.Read();
        var reference = new Utf8JsonReader(Encoding.ASCII.GetBytes(number));
        reference.Read();
        Assert.Equal(reference.TryGetInt32(out var expected), r.TryGetInt32(out var actual));
        Assert.Equal(ok, r.TryGetInt32(out _));
        Assert.Equal(expected, actual);
        if (ok) Assert.Equal(value, actual);
    }

    [Fact]
    public void Compares_escaped_names_by_their_text()
    {
        var r = new JsonScanner("{\"st\\u0061tus\":1}"u8);
        r.Read();
        r.Read();
        Assert.True(r.ValueIsEscaped);
        Assert.True(r.ValueTextEquals("status"u8));
        Assert.False(r.ValueTextEquals("stat"u8));
    }

    private static bool IsUtf8(byte[] bytes)
    {
        try
        {
            new UTF8Encoding(false, throwOnInvalidBytes: true).GetCharCount(bytes);
            return true;
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
    }

    /// <summary>Each delivery in the fixtures (JSON lines split, single documents whole, arrays split into their deliveries).</summary>
    private static IEnumerable<byte[]> Seeds()
    {
        foreach (var file in Directory.GetFiles(Fixtures).Where(f => f.EndsWith(".json", StringComparison.Ordinal) || f.EndsWith(".jsonl", StringComparison.Ordinal)).OrderBy(f => f, StringComparer.Ordinal))
        {
            if (file.EndsWith(".jsonl", StringComparison.Ordinal))
            {
                foreach (var line in File.ReadAllLines(file).Where(l => l.Trim().Length > 0)) yield return Encoding.UTF8.GetBytes(line);
            }
            else yield return File.ReadAllBytes(file);
        }
    }
}
