using System;
using System.Collections.Generic;
using System.Text;
using System.Text.Json;
using Dialog360.MM.Core.Webhooks;

namespace Dialog360.MM.Core.Tests.Webhooks;

/// <summary>
/// Random short inputs made of the pieces JSON turns on, walked by both readers with the same random mix of Read and
/// Skip, comparing every token, its place and text, number and name checks, and decoding (JsonScannerTests
/// covers whole deliveries and damaged copies of them).
/// </summary>
public sealed class JsonScannerWalkTests
{
    private static string Walk(byte[] json, int seed, bool reference)
    {
        var choices = new Random(seed);
        var sb = new StringBuilder();
        try
        {
            if (reference)
            {
                var r = new Utf8JsonReader(json, isFinalBlock: true, state: default);
                while (true)
                {
                    if (choices.Next(3) == 0 && r.TokenType != JsonTokenType.None) { r.Skip(); sb.Append("S "); }
                    else if (!r.Read()) break;
                    sb.Append($"{r.TokenType}@{r.TokenStartIndex}-{(r.TokenType == JsonTokenType.PropertyName ? -1 : r.BytesConsumed)}");
                    if (r.TokenType is JsonTokenType.String or JsonTokenType.PropertyName or JsonTokenType.Number)
                    {
                        sb.Append('[').Append(Encoding.UTF8.GetString(r.ValueSpan.ToArray())).Append(r.ValueIsEscaped ? "]e" : "]");
                        if (r.TokenType == JsonTokenType.Number)
                            sb.Append(r.TryGetInt32(out var i) ? $" i{i}" : " i-").Append(r.TryGetInt64(out var l) ? $" l{l}" : " l-");
                        else
                        {
                            foreach (var w in Words) sb.Append(Safe1(ref r, w));
                            sb.Append(' ').Append(SafeS(ref r));
                        }
                    }
                    sb.Append(" | ");
                }
            }
            else
            {
                var r = new JsonScanner(json);
                while (true)
                {
                    if (choices.Next(3) == 0 && r.TokenType != JsonTokenType.None) { r.Skip(); sb.Append("S "); }
                    else if (!r.Read()) break;
                    sb.Append($"{r.TokenType}@{r.TokenStartIndex}-{(r.TokenType == JsonTokenType.PropertyName ? -1 : r.BytesConsumed)}");
                    if (r.TokenType is JsonTokenType.String or JsonTokenType.PropertyName or JsonTokenType.Number)
                    {
                        sb.Append('[').Append(Encoding.UTF8.GetString(r.ValueSpan.ToArray())).Append(r.ValueIsEscaped ? "]e" : "]");
                        if (r.TokenType == JsonTokenType.Number)
                            sb.Append(r.TryGetInt32(out var i) ? $" i{i}" : " i-").Append(r.TryGetInt64(out var l) ? $" l{l}" : " l-");
                        else
                        {
                            foreach (var w in Words) { var copy = r; sb.Append(Safe2(ref copy, w)); }
                            sb.Append(' ').Append(SafeS(ref r));
                        }
                    }
                    sb.Append(" | ");
                }
            }
        }
        catch (JsonException) { sb.Append("refused"); }
        catch (InvalidOperationException) { sb.Append("IOE"); }
        return sb.ToString();
    }

    private static readonly byte[][] Words = { Encoding.UTF8.GetBytes("a"), Encoding.UTF8.GetBytes("id"), Encoding.UTF8.GetBytes("entry") };

    private static string Safe1(ref Utf8JsonReader r, byte[] w) { try { return r.ValueTextEquals(w) ? "T" : "F"; } catch (InvalidOperationException) { return "X"; } }
    // The scanner reports text it cannot decode as a JsonException (the reader then reports the delivery); the reader throws InvalidOperationException.
    private static string Safe2(ref JsonScanner r, byte[] w) { try { return r.ValueTextEquals(w) ? "T" : "F"; } catch (JsonException) { return "X"; } }
    private static string SafeS(ref Utf8JsonReader r) { try { return r.GetString()!; } catch (InvalidOperationException) { return "(x)"; } }
    private static string SafeS(ref JsonScanner r) { try { return r.GetString(); } catch (JsonException) { return "(x)"; } }

    private static readonly string[] Pieces =
    {
        "{", "}", "[", "]", ",", ":", "\"", "\"a\"", "\"id\"", "\"entry\"", "\\", "\\u0061", "\\ud800", "\\udc00", "\\n", "\\\"", "0", "1", "-", "+", ".", "e", "E",
        "12", "2147483648", "9223372036854775808", "true", "false", "null", "t", " ", "\t", "\r", "\n", "/", "x", "\u0001", "\u001f", "\u007f", "é", "\"\\u0069d\"",
    };

    [Fact]
    public void Agrees_with_Utf8JsonReader_on_random_inputs_read_and_skipped()
    {
        var random = new Random(7);
        var failures = new List<string>();
        for (var n = 0; n < 100000 && failures.Count < 5; n++)
        {
            var sb = new StringBuilder();
            var parts = 1 + random.Next(12);
            for (var i = 0; i < parts; i++) sb.Append(Pieces[random.Next(Pieces.Length)]);
            var json = Encoding.UTF8.GetBytes(sb.ToString());
            var seed = random.Next();
            var expected = Walk(json, seed, reference: true);
            var actual = Walk(json, seed, reference: false);
            if (expected != actual) failures.Add($"{sb}\n  reader:  {expected}\n  scanner: {actual}");
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }
}
