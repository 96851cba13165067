using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using Dialog360.MM.Core.Webhooks;
using Dialog360.MM.Core.Reporting;

using Dialog360.MM.Core.Tests.Webhooks;

namespace Dialog360.MM.Core.Tests.Reporting;

/// <summary>A large file read in parts on several cores must fold exactly as the same file read start to end.</summary>
public sealed class FunnelFileTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), "funnel-" + Guid.NewGuid().ToString("N") + ".jsonl");

    public void Dispose() => File.Delete(_path);

    private static string Status(int message, string status, int? error = null) =>
        "{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"1\",\"changes\":[{\"value\":{\"messaging_product\":\"whatsapp\"," +
        "\"metadata\":{\"display_phone_number\":\"15550783881\",\"phone_number_id\":\"106540352242922\"},\"statuses\":[{\"id\":\"wamid." + message +
        "\",\"status\":\"" + status + "\",\"timestamp\":\"1750263773\",\"recipient_id\":\"4479110" + (message % 10000).ToString("D5") + "\"," +
        "\"pricing\":{\"billable\":true,\"pricing_model\":\"PMP\",\"category\":\"marketing_lite\"}" +
        (error is int code ? ",\"errors\":[{\"code\":" + code + ",\"title\":\"Frequency capping\"}]" : "") +
        "}]},\"field\":\"messages\"}]}]}";

    /// <summary>Statuses of one message spread over the whole file (sent early, read late), a failure, and broken lines in the later parts.</summary>
    private List<int> WriteFile()
    {
        var broken = new List<int>();
        var lines = new List<string>();
        for (var m = 0; m < 600; m++) lines.Add(Status(m, "sent"));
        for (var m = 0; m < 600; m += 2) lines.Add(Status(m, "delivered"));
        lines.Add("{\"object\":\"whatsapp_business_account\",\"entry\":[ broken");
        broken.Add(lines.Count);
        for (var m = 0; m < 600; m += 3) lines.Add(Status(m, "read"));
        for (var m = 1; m < 600; m += 10) lines.Add(Status(m, "failed", 131049));
        lines.Add("not json at all");
        broken.Add(lines.Count);
        File.WriteAllText(_path, string.Join("\n", lines) + "\n", new UTF8Encoding(false));
        return broken;
    }

    [Fact]
    public void A_file_read_in_parts_folds_and_reports_like_the_file_read_whole()
    {
        var brokenLines = WriteFile();
        var whole = new Funnel();
        var wholeErrors = new List<WebhookReadError>();
        long wholeEvents;
        using (var stream = File.OpenRead(_path)) wholeEvents = whole.AddFrom(stream, _path, wholeErrors.Add);

        var parted = new Funnel();
        var partErrors = new List<WebhookReadError>();
        var length = new FileInfo(_path).Length;
        var events = parted.AddFile(_path, partErrors.Add, default, WebhookReader.DefaultMaxDeliveryBytes, maxParts: 4, minPartBytes: length / 4);

        Assert.Equal(600 + 300 + 200 + 60, wholeEvents);
        Assert.Equal(wholeEvents, events);
        var a = Assert.Single(whole.Summarize());
        var b = Assert.Single(parted.Summarize());
        Assert.Equal((a.Messages, a.Sent, a.Delivered, a.Read, a.Failed, a.BillableMarketingLite, a.TopFailureCodes),
            (b.Messages, b.Sent, b.Delivered, b.Read, b.Failed, b.BillableMarketingLite, b.TopFailureCodes));
        Assert.Equal(600, b.Messages);
        // Errors from later parts name their line in the whole file, in file order.
        Assert.Equal(brokenLines, wholeErrors.Select(e => (int)e.Line));
        Assert.Equal(brokenLines, partErrors.Select(e => (int)e.Line));
    }

    [Fact]
    public void The_cuts_fall_between_deliveries_and_a_file_that_is_an_array_is_not_cut()
    {
        WriteFile();
        using (var file = File.OpenRead(_path))
        {
            var parts = WebhookFileParts.Split(file, 4, file.Length / 4);
            Assert.InRange(parts.Count, 2, 4);
            Assert.Equal(file.Length, parts.Sum(p => p.Length));
            foreach (var (start, _) in parts.Skip(1))
            {
                file.Position = start - 1;
                Assert.Equal((byte)'\n', file.ReadByte());
                Assert.Equal((byte)'{', file.ReadByte());
            }
        }
        File.WriteAllText(_path, "[" + string.Join(",\n", Enumerable.Range(0, 500).Select(m => Status(m, "sent"))) + "]");
        using var array = File.OpenRead(_path);
        Assert.Single(WebhookFileParts.Split(array, 4, array.Length / 4));
    }
}

/// <summary>
/// A webhook file that went through Windows PowerShell 5.1 (`>`, Out-File) is UTF-16 with a byte order mark: it reads as
/// the UTF-8 file it was, events, funnel and error lines alike.
/// </summary>
public sealed class WebhookFileEncodingTests : IDisposable
{
    private readonly string _folder = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "mm-utf16-" + Guid.NewGuid().ToString("N"))).FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Theory]
    [InlineData("utf-16")]
    [InlineData("utf-16BE")]
    [InlineData("utf-32")]
    public void A_UTF16_or_UTF32_file_reads_as_its_UTF8_original(string encoding)
    {
        var original = WebhookReaderTests.Fixture("campaign.jsonl");
        // Characters outside the BMP too (a surrogate pair in UTF-16), in a delivery's text.
        var text = File.ReadAllText(original) + "{\"entry\":[{\"id\":\"1\",\"changes\":[{\"field\":\"messages\",\"value\":{\"messages\":[{\"id\":\"wamid.E\",\"from\":\"447700900001\",\"type\":\"text\",\"text\":{\"body\":\"Danke \U0001F389\"}}]}}]}]}\n";
        var utf8 = Path.Combine(_folder, "utf8.jsonl");
        var other = Path.Combine(_folder, encoding + ".jsonl");
        File.WriteAllText(utf8, text, new UTF8Encoding(false));
        File.WriteAllText(other, text, Encoding.GetEncoding(encoding));

        (List<string> Events, List<string> Errors) Read(string path)
        {
            var errors = new List<string>();
            using var stream = WebhookFile.OpenRead(path);
            var events = WebhookReader.Read(stream, "f", e => errors.Add($"{e.Line} {e.Problem}"))
                .Select(e => $"{e.Line} {e.EventType} {(e as MMStatusEvent)?.MessageId} {(e as MMMessageEvent)?.Text}").ToList();
            return (events, errors);
        }
        var expected = Read(utf8);
        var actual = Read(other);
        Assert.Equal(expected.Events, actual.Events);
        Assert.Equal(expected.Errors, actual.Errors);
        Assert.Contains(actual.Events, e => e.EndsWith("Danke \U0001F389", StringComparison.Ordinal));
        Assert.NotEmpty(actual.Errors); // the fixture's half line, on the same line

        var fromUtf8 = new Funnel();
        fromUtf8.AddFile(utf8, _ => { });
        var fromOther = new Funnel();
        fromOther.AddFile(other, _ => { });
        Assert.Equal(System.Text.Json.JsonSerializer.Serialize(fromUtf8.Summarize()), System.Text.Json.JsonSerializer.Serialize(fromOther.Summarize()));
    }
}
