using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Threading;
using Dialog360.MM.Core.Webhooks;
using Dialog360.MM.Core.Reporting;

namespace Dialog360.MM.Core.Tests.Webhooks;

/// <summary>
/// Edges of reading webhook files that a review probed: UTF-16 files (empty, odd length, a surrogate pair across the
/// converter's block, cancelled, read in parts), raw control characters at every offset around a vector's width, and
/// the string pool with values that share length, head and tail.
/// </summary>
public sealed class WebhookFileEdgeTests : IDisposable
{
    private readonly string _folder = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "mm-edges-" + Guid.NewGuid().ToString("N"))).FullName;
    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static string Status(string id, string text = "x") =>
        "{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"1\",\"changes\":[{\"field\":\"messages\",\"value\":{\"messaging_product\":\"whatsapp\",\"messages\":[{\"id\":\"" + id + "\",\"from\":\"447700900001\",\"type\":\"text\",\"text\":{\"body\":\"" + text + "\"}}]}}]}]}";

    private static (List<string> Events, List<string> Errors) Read(Stream stream)
    {
        var errors = new List<string>();
        var events = WebhookReader.Read(stream, "f", e => errors.Add($"{e.Line} {e.Problem} {e.Message}"))
            .Select(e => $"{e.Line} {e.EventType} {(e as MMMessageEvent)?.Text}").ToList();
        return (events, errors);
    }

    private (List<string> Events, List<string> Errors) ReadFile(string name, byte[] bytes)
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllBytes(path, bytes);
        using var s = WebhookFile.OpenRead(path);
        return Read(s);
    }

    private static byte[] Bom(Encoding e, string text) => e.GetPreamble().Concat(e.GetBytes(text)).ToArray();


    [Fact]
    public void Utf16_bom_only_file_reads_as_empty()
    {
        var (events, errors) = ReadFile("bom.jsonl", new byte[] { 0xFF, 0xFE });
        Assert.Empty(events); Assert.Empty(errors);
        (events, errors) = ReadFile("bombe.jsonl", new byte[] { 0xFE, 0xFF });
        Assert.Empty(events); Assert.Empty(errors);
    }

    [Theory]
    [InlineData("utf-16")]
    [InlineData("utf-16BE")]
    public void Surrogate_pair_split_across_the_16K_char_block(string enc)
    {
        var e = Encoding.GetEncoding(enc);
        var first = Status("wamid.A");
        // Pad so the emoji's high surrogate is char 16383 of the text (the BOM is not a char the reader returns).
        var prefixLen = first.Length + 1 + Status("wamid.B", "").Length - "\"}}]}}]}]}".Length;
        var pad = new string('a', 16383 - prefixLen);
        var text = first + "\n" + Status("wamid.B", pad + "\U0001F389z") + "\n";
        Assert.Equal('\uD83C', text[16383]);
        var (events, errors) = ReadFile("s.jsonl", Bom(e, text));
        var (expected, expectedErrors) = Read(new MemoryStream(Encoding.UTF8.GetBytes(text)));
        Assert.Empty(errors);
        Assert.Equal(expected, events);
    }

    [Fact]
    public void Utf16_with_an_odd_byte_count_does_not_throw()
    {
        var bytes = Bom(new UnicodeEncoding(false, true), Status("wamid.A") + "\n").Concat(new byte[] { 0x7B }).ToArray();
        var (events, _) = ReadFile("odd.jsonl", bytes);
        Assert.Single(events);
    }

    [Fact]
    public void Cancellation_during_a_utf16_read_is_an_OperationCanceledException()
    {
        var path = Path.Combine(_folder, "c.jsonl");
        File.WriteAllText(path, string.Concat(Enumerable.Range(0, 2000).Select(i => Status("wamid." + i) + "\n")), Encoding.Unicode);
        using var cts = new CancellationTokenSource();
        var funnel = new Funnel();
        using var s = WebhookFile.OpenRead(path);
        var n = 0;
        Assert.ThrowsAny<OperationCanceledException>(() =>
        {
            foreach (var _ in WebhookReader.Read(s, "c", _ => { }, cts.Token)) if (++n == 10) cts.Cancel();
        });
    }

    [Fact]
    public void Large_utf16_file_through_AddFile_with_parts_matches_utf8()
    {
        var text = string.Concat(Enumerable.Range(0, 3000).Select(i =>
            "{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"1\",\"changes\":[{\"field\":\"messages\",\"value\":{\"statuses\":[{\"id\":\"wamid." + i + "\",\"status\":\"delivered\",\"timestamp\":\"1750263773\",\"recipient_id\":\"447700900001\"}]}}]}]}\n"));
        var u8 = Path.Combine(_folder, "u8.jsonl"); var u16 = Path.Combine(_folder, "u16.jsonl"); var u8bom = Path.Combine(_folder, "u8bom.jsonl");
        File.WriteAllText(u8, text, new UTF8Encoding(false));
        File.WriteAllText(u16, text, Encoding.Unicode);
        File.WriteAllText(u8bom, text, new UTF8Encoding(true));
        string Fold(string p) { var f = new Funnel(); var errs = new List<WebhookReadError>(); f.AddFile(p, errs.Add, default, WebhookReader.DefaultMaxDeliveryBytes, 4, 1024); Assert.Empty(errs); return JsonSerializer.Serialize(f.Summarize()); }
        Assert.Equal(Fold(u8), Fold(u16));
        Assert.Equal(Fold(u8), Fold(u8bom));
    }


    [Theory]
    [InlineData(0)] [InlineData(7)] [InlineData(8)] [InlineData(15)] [InlineData(16)] [InlineData(31)] [InlineData(32)] [InlineData(33)] [InlineData(63)] [InlineData(64)] [InlineData(100)]
    public void A_raw_tab_inside_a_string_is_refused_and_between_tokens_accepted(int at)
    {
        var body = new string('b', at) + "\t" + new string('c', 5);
        var (events, errors) = Read(new MemoryStream(Encoding.UTF8.GetBytes(Status("wamid.A", body) + "\n")));
        Assert.Empty(events); Assert.Single(errors);
        var between = Status("wamid.A", new string('b', at)).Replace("\"type\":", "\"type\":\t");
        (events, errors) = Read(new MemoryStream(Encoding.UTF8.GetBytes(between + "\n")));
        Assert.Single(events); Assert.Empty(errors);
        // Raw tab between tokens and one in a string in the same delivery: still refused.
        var both = Status("wamid.A", body).Replace("\"type\":", "\"type\":\t");
        (events, errors) = Read(new MemoryStream(Encoding.UTF8.GetBytes(both + "\n")));
        Assert.Empty(events); Assert.Single(errors);
    }


    [Fact]
    public void String_pool_returns_the_right_string_for_short_and_colliding_values()
    {
        var pool = new Utf8StringPool();
        var values = new List<string> { "", "a", "ab", "abcdefg", "abcdefgh", "\0", "\0\0" };
        for (var i = 0; i < 200; i++) values.Add("HEAD1234" + i.ToString("D3") + "TAIL5678"); // same length, head and tail
        for (var round = 0; round < 3; round++)
            foreach (var v in values) Assert.Equal(v, pool.Get(Encoding.UTF8.GetBytes(v)));
    }
}
