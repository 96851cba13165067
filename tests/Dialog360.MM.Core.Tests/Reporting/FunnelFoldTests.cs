using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using Dialog360.MM.Core.State;
using Dialog360.MM.Core.Webhooks;
using Dialog360.MM.Core.Reporting;

using Dialog360.MM.Core.Tests.Webhooks;

namespace Dialog360.MM.Core.Tests.Reporting;

/// <summary>
/// A file is folded from status records that point into the reader's buffer (no event object per status); the
/// pipeline folds event objects. Both must give the same funnel, down to ids sent escaped or as numbers, statuses
/// under a change that turns out not to be "messages", and statuses without an id.
/// </summary>
public sealed class FunnelFoldTests
{
    private static string Delivery(string statuses, string field = "messages", bool fieldFirst = false)
    {
        var value = "\"value\":{\"messaging_product\":\"whatsapp\",\"metadata\":{\"phone_number_id\":\"1065\"},\"statuses\":[" + statuses + "]}";
        var change = fieldFirst ? "{\"field\":\"" + field + "\"," + value + "}" : "{" + value + ",\"field\":\"" + field + "\"}";
        return "{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"1022\",\"changes\":[" + change + "]}]}";
    }

    private static string Status(string id, string status, string recipient = "\"447700900001\"", string callback = "spring", string extra = "") =>
        "{\"id\":" + id + ",\"status\":\"" + status + "\",\"timestamp\":\"1750263773\",\"recipient_id\":" + recipient +
        ",\"biz_opaque_callback_data\":\"" + callback + "\",\"pricing\":{\"billable\":true,\"pricing_model\":\"PMP\",\"category\":\"marketing_lite\"}" + extra + "}";

    private static readonly string[] Lines =
    {
        Delivery(Status("\"wamid.A\"", "sent") + "," + Status("\"wamid.B\"", "sent", "\"447700900002\"", "autumn")),
        // The same message, its id escaped: one message, delivered.
        Delivery(Status("\"wamid.\\u0041\"", "delivered")),
        // An id sent as a number and later as a string: one message.
        Delivery(Status("12345", "sent", "447700900003")),
        Delivery(Status("\"12345\"", "read", "\"447700900003\"")),
        // A recipient escaped, on a message seen first here.
        Delivery(Status("\"wamid.C\"", "failed", "\"4477009\\u003000004\"", "spring",
            ",\"errors\":[{\"code\":131049,\"title\":\"Healthy ecosystem\",\"error_data\":{\"details\":\"x\"}}]")),
        // Statuses under a change that is not "messages" (field after or before the value) do not count.
        Delivery(Status("\"wamid.D\"", "sent"), "message_echoes"),
        Delivery(Status("\"wamid.E\"", "sent"), "message_echoes", fieldFirst: true),
        // Without an id, or with an empty one: nothing to count them against.
        Delivery("{\"status\":\"sent\",\"recipient_id\":\"447700900009\"}," + Status("\"\"", "sent")),
        // A click and a user preference pass as events on both paths.
        "{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"1022\",\"changes\":[{\"value\":{\"messaging_product\":\"whatsapp\",\"user_actions\":[{\"action_type\":\"marketing_messages_link_click\",\"timestamp\":\"1750263800\",\"marketing_messages_link_click_data\":{\"click_component\":\"CTA\",\"click_id\":\"k1\"}}]},\"field\":\"messages\"}]}]}",
        Delivery(Status("\"wamid.B\"", "failed", "\"447700900002\"", "autumn", ",\"errors\":[{\"code\":131050,\"title\":\"Stopped\"}]")),
    };

    private static string Rows(IEnumerable<MMCampaignSummary> rows) => JsonSerializer.Serialize(rows);

    [Theory]
    [InlineData(CampaignGrouping.None)]
    [InlineData(CampaignGrouping.CallbackData)]
    [InlineData(CampaignGrouping.Market)]
    public void A_file_folds_to_the_funnel_its_events_fold_to(CampaignGrouping groupBy)
    {
        var bytes = Encoding.UTF8.GetBytes(string.Join("\n", Lines) + "\n");

        var fromEvents = new Funnel(groupBy);
        var events = WebhookReader.Read(new MemoryStream(bytes), "f", e => throw new InvalidOperationException(e.Message)).ToList();
        foreach (var e in events) fromEvents.Add(e);

        var fromFile = new Funnel(groupBy);
        var count = fromFile.AddFrom(new MemoryStream(bytes), "f", e => throw new InvalidOperationException(e.Message));

        Assert.Equal(events.Count, count);
        Assert.Equal(Rows(fromEvents.Summarize()), Rows(fromFile.Summarize()));
        if (groupBy != CampaignGrouping.None) return;
        var row = Assert.Single(fromFile.Summarize());
        // wamid.A (delivered), wamid.B (failed after sent: failed), 12345 (read), wamid.C (failed).
        Assert.Equal((4, 2, 2, 1, 2, 1), (row.Messages, row.Sent, row.Delivered, row.Read, row.Failed, row.Clicked));
        Assert.Equal(4, row.Recipients);
    }

    [Fact]
    public void A_file_with_a_send_journal_joins_the_same_way()
    {
        var bytes = File.ReadAllBytes(WebhookReaderTests.Fixture("campaign.jsonl"));
        var journal = SendJournalReader.ReadIndex(WebhookReaderTests.Fixture("journal.jsonl"));
        var fromEvents = new Funnel(CampaignGrouping.Template, journal);
        foreach (var e in WebhookReader.Read(new MemoryStream(bytes), "f", _ => { })) fromEvents.Add(e);
        var fromFile = new Funnel(CampaignGrouping.Template, journal);
        fromFile.AddFrom(new MemoryStream(bytes), "f", _ => { });
        Assert.Equal(Rows(fromEvents.Summarize()), Rows(fromFile.Summarize()));
        Assert.Contains(fromFile.Summarize(), r => r.Pending > 0);
    }
}

public sealed class Utf8KeyedTableTests
{
    [Fact]
    public void Finds_each_key_by_its_bytes_or_its_text_through_growth_and_shared_buckets()
    {
        var table = new Utf8KeyedTable<object>();
        var keys = Enumerable.Range(0, 50_000).Select(i => "wamid.HBgLNDQ3NzAwOTAwMDAxFQIAERgSQjVDRjQ2RTk" + i.ToString("d8") + "AA==")
            .Concat(new[] { "é", "日本", "a", "ab", "abcdefgh", "abcdefghi" }).ToList();
        var values = keys.ToDictionary(k => k, _ => new object());
        foreach (var key in keys) Assert.Same(values[key], table.GetOrAdd(Encoding.UTF8.GetBytes(key), () => values[key]));
        Assert.Equal(keys.Count, table.Count);
        foreach (var key in keys)
        {
            Assert.Same(values[key], table.Find(Encoding.UTF8.GetBytes(key)));
            Assert.Same(values[key], table.Find(key));
            // Adding again returns what is there; nothing new is made.
            Assert.Same(values[key], table.GetOrAdd(key, () => throw new InvalidOperationException("added twice")));
        }
        Assert.Equal(keys.Count, table.Count);
        Assert.Null(table.Find("wamid.unknown"));
        Assert.Null(table.Find("abcdefg"));
        // Keys come back as strings, in the order they were added.
        Assert.Equal(keys, Enumerable.Range(0, table.Count).Select(table.KeyAt));
        Assert.Equal(Encoding.UTF8.GetBytes("日本"), table.KeyBytesAt(keys.IndexOf("日本")).ToArray());
    }
}
