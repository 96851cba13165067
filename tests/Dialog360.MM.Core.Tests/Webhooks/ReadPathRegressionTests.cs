using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Dialog360.MM.Core.State;
using Dialog360.MM.Core.Webhooks;
using Dialog360.MM.Core.Reporting;

namespace Dialog360.MM.Core.Tests.Webhooks;

/// <summary>
/// What a review of the JsonScanner and record-fold change found it did differently from the Utf8JsonReader read path
/// before it: each case here read as before, and must go on doing so.
/// </summary>
public sealed class ReadPathRegressionTests
{
    private static string Delivery(string statuses) =>
        "{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"1022\",\"changes\":[{\"value\":{\"messaging_product\":\"whatsapp\"," +
        "\"metadata\":{\"phone_number_id\":\"1065\"},\"statuses\":[" + statuses + "]},\"field\":\"messages\"}]}]}";

    private static MemoryStream Stream(params string[] lines) => new(Encoding.UTF8.GetBytes(string.Join("\n", lines) + "\n"));

    private static List<MMWebhookEvent> ReadAll(Stream s, List<WebhookReadError>? errors = null) =>
        WebhookReader.Read(s, "t.jsonl", e => errors?.Add(e)).ToList();

    // A property that is not there is absent (null), not an empty string.
    [Fact]
    public void A_status_without_recipient_id_has_no_recipient()
    {
        var events = ReadAll(Stream(Delivery("{\"id\":\"wamid.A\",\"status\":\"sent\",\"timestamp\":\"1750263773\"}")));
        var status = Assert.IsType<MMStatusEvent>(Assert.Single(events));
        Assert.Null(status.RecipientId);
    }

    [Fact]
    public void A_status_without_id_has_no_message_id()
    {
        var events = ReadAll(Stream(Delivery("{\"status\":\"sent\",\"recipient_id\":\"447700900001\"}")));
        var status = Assert.IsType<MMStatusEvent>(Assert.Single(events));
        Assert.Null(status.MessageId);
    }

    [Fact]
    public void A_failed_131050_status_without_recipient_id_is_no_suppression_entry()
    {
        var events = ReadAll(Stream(Delivery("{\"id\":\"wamid.A\",\"status\":\"failed\",\"timestamp\":\"1750263773\",\"errors\":[{\"code\":131050,\"title\":\"Stopped\"}]}")));
        Assert.Null(SuppressionEntry.FromWebhook(Assert.Single(events), DateTimeOffset.UnixEpoch));
    }

    [Fact]
    public void A_status_without_recipient_id_does_not_block_the_recipient_of_a_later_status()
    {
        var funnel = new Funnel();
        funnel.AddFrom(Stream(
            Delivery("{\"id\":\"wamid.A\",\"status\":\"sent\",\"timestamp\":\"1750263773\"}"),
            Delivery("{\"id\":\"wamid.A\",\"status\":\"delivered\",\"timestamp\":\"1750263774\",\"recipient_id\":\"447700900001\"}"),
            Delivery("{\"id\":\"wamid.B\",\"status\":\"sent\",\"timestamp\":\"1750263773\",\"recipient_id\":\"447700900001\"}")),
            "t.jsonl", _ => { });
        var row = Assert.Single(funnel.Summarize());
        Assert.Equal(2, row.Messages);
        Assert.Equal(1, row.Recipients); // "" is not a recipient
    }

    [Fact]
    public void A_status_without_recipient_id_takes_the_journals_recipient_for_its_market()
    {
        var journal = new Dictionary<string, SendJournalEntry> { ["wamid.A"] = new("wamid.A", "spring", "+447700900001", null) };
        var funnel = new Funnel(CampaignGrouping.Market, journal);
        funnel.AddFrom(Stream(Delivery("{\"id\":\"wamid.A\",\"status\":\"sent\",\"timestamp\":\"1750263773\"}")), "t.jsonl", _ => { });
        var viaEvents = new Funnel(CampaignGrouping.Market, journal);
        viaEvents.Add(ReadAll(Stream(Delivery("{\"id\":\"wamid.A\",\"status\":\"sent\",\"timestamp\":\"1750263773\"}"))).Single());
        var expected = new Funnel(CampaignGrouping.Market, journal).Summarize().Single().Campaign; // the journal alone: pending, market of +44
        Assert.Equal(expected, funnel.Summarize().Single().Campaign);
        Assert.Equal(expected, viaEvents.Summarize().Single().Campaign);
    }

    // Folding a file of statuses never hands an event back to the caller before the end: cancellation is checked per delivery.
    [Fact]
    public void A_cancelled_fold_of_a_status_file_stops()
    {
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();
        var lines = Enumerable.Range(0, 1000).Select(i => Delivery("{\"id\":\"wamid." + i + "\",\"status\":\"sent\",\"recipient_id\":\"447700900001\"}")).ToArray();
        Assert.ThrowsAny<OperationCanceledException>(() => new Funnel().AddFrom(Stream(lines), "t.jsonl", _ => { }, cancel.Token));
    }

    [Fact]
    public void A_cancelled_fold_of_a_status_file_stops_at_the_next_delivery()
    {
        using var cancel = new CancellationTokenSource();
        var lines = Enumerable.Range(0, 200).Select(i => Delivery("{\"id\":\"wamid." + i + "\",\"status\":\"sent\",\"recipient_id\":\"447700900001\"}")).ToArray();
        var stream = new CancelAfterStream(Encoding.UTF8.GetBytes(string.Join("\n", lines) + "\n"), cancel, after: 1);
        var funnel = new Funnel();
        Assert.ThrowsAny<OperationCanceledException>(() => funnel.AddFrom(stream, "t.jsonl", _ => { }, cancel.Token, maxDeliveryBytes: 4096));
    }

    /// <summary>Hands out 512 bytes a read and cancels the token after the given number of reads.</summary>
    private sealed class CancelAfterStream : MemoryStream
    {
        private readonly CancellationTokenSource _cancel;
        private readonly int _after;
        private int _reads;
        public CancelAfterStream(byte[] bytes, CancellationTokenSource cancel, int after) : base(bytes) { _cancel = cancel; _after = after; }
        public override bool CanSeek => false;
        public override int Read(byte[] buffer, int offset, int count)
        {
            if (++_reads > _after) _cancel.Cancel();
            return base.Read(buffer, offset, Math.Min(count, 512));
        }
    }

    // A file on one long line (an array, or deliveries back to back) is searched for a line break once per maximum
    // delivery size, not once per delivery (which made a 10 MB one-line array take seconds; bench: Webhooks).
    [Fact]
    public void A_one_line_array_longer_than_the_maximum_delivery_reads_every_delivery()
    {
        var one = Delivery("{\"id\":\"wamid.X\",\"status\":\"sent\",\"recipient_id\":\"447700900001\"}");
        const int count = 40000; // ~10 MB, over the default maximum delivery size
        var array = Encoding.UTF8.GetBytes("[" + string.Join(",", Enumerable.Repeat(one, count)) + "]");
        Assert.True(array.Length > WebhookReader.DefaultMaxDeliveryBytes);
        var errors = new List<WebhookReadError>();
        Assert.Equal(count, new Funnel().AddFrom(new MemoryStream(array), "a.json", errors.Add));
        Assert.Empty(errors);
        Assert.Equal(count, ReadAll(new MemoryStream(array), errors).Count);
        Assert.Empty(errors);
    }

    // An escaped name is compared as Utf8JsonReader compares it (by length first), so a name that is no text but is
    // never read does not spoil its delivery.
    [Fact]
    public void An_unknown_property_with_a_long_escaped_name_is_skipped()
    {
        var name = string.Concat(Enumerable.Repeat("\\uD800", 6));
        var line = "{\"" + name + "\":1," + Delivery("{\"id\":\"wamid.A\",\"status\":\"sent\",\"recipient_id\":\"447700900001\"}").Substring(1);
        var errors = new List<WebhookReadError>();
        var events = ReadAll(Stream(line), errors);
        Assert.Empty(errors);
        Assert.IsType<MMStatusEvent>(Assert.Single(events));
    }

    // Half a surrogate pair escaped in a value is no text: Utf8JsonReader would throw when it is decoded, which ended the
    // whole read before. The delivery is reported with its line and the next one is read.
    [Fact]
    public void A_value_that_escapes_half_a_surrogate_pair_is_reported_and_the_read_goes_on()
    {
        var bad = Delivery("{\"id\":\"wamid.A\",\"status\":\"sent\",\"recipient_id\":\"\\ud800\"}");
        var good = Delivery("{\"id\":\"wamid.B\",\"status\":\"sent\",\"recipient_id\":\"447700900001\"}");
        var errors = new List<WebhookReadError>();
        var events = ReadAll(Stream(bad, good), errors);
        Assert.Equal("wamid.B", Assert.IsType<MMStatusEvent>(Assert.Single(events)).MessageId);
        var error = Assert.Single(errors);
        Assert.Equal((1L, WebhookReadProblem.MalformedJson), (error.Line, error.Problem));
        Assert.Contains("surrogate", error.Message);

        errors.Clear();
        var funnel = new Funnel();
        Assert.Equal(1, funnel.AddFrom(Stream(bad, good), "t.jsonl", errors.Add));
        Assert.Equal(1L, Assert.Single(errors).Line);
        Assert.Equal(1, funnel.Summarize().Single().Messages);
    }

    // Summarize only reads: it is safe on several threads at once, as it was over a Dictionary.
    [Fact]
    public void Summarize_can_run_on_several_threads_at_once()
    {
        var journal = new Dictionary<string, SendJournalEntry>();
        var lines = new List<string>();
        for (var i = 0; i < 2000; i++)
        {
            var id = "wamid.HBgLNDQ3NzAwOTAwMDAxFQIAERgSQ0FGQjA3MjlFMUQ0MDc" + i.ToString("D5");
            journal[id] = new SendJournalEntry(id, "spring", "+447700900001", null);
            if (i % 2 == 0) lines.Add(Delivery("{\"id\":\"" + id + "\",\"status\":\"sent\",\"recipient_id\":\"447700900001\"}"));
        }
        var funnel = new Funnel(CampaignGrouping.None, journal);
        funnel.AddFrom(Stream(lines.ToArray()), "t.jsonl", _ => { });
        var expected = funnel.Summarize().Single();
        Assert.Equal(1000, expected.Pending);
        var bad = 0;
        Parallel.For(0, 4000, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(4, Environment.ProcessorCount) }, _ =>
        {
            var row = funnel.Summarize().Single();
            if (row.Pending != 1000 || row.Messages != 2000) Interlocked.Increment(ref bad);
        });
        Assert.Equal(0, bad);
    }
}
