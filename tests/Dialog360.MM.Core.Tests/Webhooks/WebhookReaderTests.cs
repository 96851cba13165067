using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using Dialog360.MM.Core.Webhooks;

namespace Dialog360.MM.Core.Tests.Webhooks;

public class WebhookReaderTests
{
    internal static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "fixtures", "webhooks", name);

    private static (List<MMWebhookEvent> Events, List<WebhookReadError> Errors) ReadFile(string name)
    {
        using var stream = File.OpenRead(Fixture(name));
        return Read(stream, name);
    }

    private static (List<MMWebhookEvent> Events, List<WebhookReadError> Errors) ReadText(string text) =>
        Read(new MemoryStream(Encoding.UTF8.GetBytes(text)), "text");

    private static (List<MMWebhookEvent>, List<WebhookReadError>) Read(Stream stream, string source)
    {
        var errors = new List<WebhookReadError>();
        var events = WebhookReader.Read(stream, source, errors.Add).ToList();
        return (events, errors);
    }

    [Fact]
    public void A_sent_status_is_flattened_with_pricing_conversation_and_callback_data()
    {
        var (events, errors) = ReadFile("status-sent-marketing-lite.json");
        Assert.Empty(errors);
        var s = Assert.IsType<MMStatusEvent>(Assert.Single(events));
        Assert.Equal("Status", s.EventType);
        Assert.Equal("sent", s.Status);
        Assert.Equal("wamid.HBgLMTY1MDUwNzY1MjAVAgARGBI5QTNDQTVCM0Q0Q0Q2RTY3RTcA", s.MessageId);
        Assert.Equal("16505551234", s.RecipientId);
        Assert.Equal(new DateTimeOffset(2025, 6, 18, 16, 22, 53, TimeSpan.Zero), s.Timestamp);
        Assert.Equal(TimeSpan.Zero, s.Timestamp!.Value.Offset);
        Assert.True(s.IsMarketingLite);
        Assert.Equal("marketing_lite", s.PricingCategory);
        Assert.Equal("PMP", s.PricingModel);
        Assert.True(s.Billable);
        Assert.Equal("CONVERSATION_ID_1234", s.ConversationId);
        Assert.Equal("spring-2026", s.CallbackData);
        Assert.Null(s.ErrorCode);
        Assert.Equal("102290129340398", s.WabaId);
        Assert.Equal("106540352242922", s.PhoneNumberId);
        Assert.Equal("15550783881", s.DisplayPhoneNumber);
        Assert.Equal("messages", s.Field);
    }

    [Fact]
    public void A_failed_status_carries_the_first_errors_code_title_and_details()
    {
        var s = Assert.IsType<MMStatusEvent>(Assert.Single(ReadFile("status-failed.json").Events));
        Assert.Equal("failed", s.Status);
        Assert.Equal(131049, s.ErrorCode);
        Assert.Equal("This message was not delivered to maintain healthy ecosystem engagement.", s.ErrorTitle);
        Assert.Equal("In order to maintain a healthy ecosystem engagement, the message failed to be delivered.", s.ErrorDetails);
        Assert.False(s.IsMarketingLite);
        Assert.Null(s.Billable);
    }

    [Fact]
    public void A_click_event_becomes_MMClickEvent()
    {
        var c = Assert.IsType<MMClickEvent>(Assert.Single(ReadFile("click-event.json").Events));
        Assert.Equal("Click", c.EventType);
        Assert.Equal("cta", c.ClickComponent);
        Assert.Equal("CLICK_ID_0001", c.ClickId);
        Assert.Equal("di9ozbzfi4", c.ProductId);
        Assert.Equal("TRACKING_TOKEN_0001", c.TrackingToken);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1750264000), c.Timestamp);
        Assert.Equal("106540352242922", c.PhoneNumberId);
    }

    [Fact]
    public void Meta_text_message_gives_sender_name_and_text()
    {
        var m = Assert.IsType<MMMessageEvent>(Assert.Single(ReadFile("meta-text-message.json").Events));
        Assert.Equal("Message", m.EventType);
        Assert.Equal("16505551234", m.From);
        Assert.Equal("Sheena Nelson", m.ContactName);
        Assert.Equal("text", m.Type);
        Assert.Equal("Does it come in another color?", m.Text);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1749416383), m.Timestamp);
        Assert.Equal("419561257915477", m.WabaId);
        Assert.Equal("messages", m.Field);
        Assert.Contains("\"Does it come in another color?\"", m.RawJson);
    }

    [Fact]
    public void Meta_button_reply_gives_payload_and_the_message_it_answers()
    {
        var m = Assert.IsType<MMMessageEvent>(Assert.Single(ReadFile("meta-button-message.json").Events));
        Assert.Equal("button", m.Type);
        Assert.Equal("Unsubscribe", m.Payload);
        Assert.Equal("Unsubscribe", m.Text);
        Assert.Equal("wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBJFNjk2OTMwNEZCQjhGMzUyQUYA", m.ContextMessageId);
    }

    [Theory]
    [InlineData("meta-interactive-list-reply-message.json", "list_reply", "priority_express", "Priority Mail Express")]
    [InlineData("meta-interactive-button-reply-message.json", "button_reply", "cancel-button", "Cancel")]
    public void Meta_interactive_replies_give_type_id_and_title(string file, string type, string id, string title)
    {
        var m = Assert.IsType<MMMessageEvent>(Assert.Single(ReadFile(file).Events));
        Assert.Equal("interactive", m.Type);
        Assert.Equal(type, m.InteractiveType);
        Assert.Equal(id, m.Payload);
        Assert.Equal(title, m.Text);
    }

    [Fact]
    public void Meta_reaction_and_image_keep_their_readable_part_and_raw_json()
    {
        var reaction = Assert.IsType<MMMessageEvent>(Assert.Single(ReadFile("meta-reaction-message.json").Events));
        Assert.Equal("reaction", reaction.Type);
        Assert.Equal("👍", reaction.Text);
        var image = Assert.IsType<MMMessageEvent>(Assert.Single(ReadFile("meta-image-message.json").Events));
        Assert.Equal("Taj Mahal", image.Text);
        Assert.Contains("\"1003383421387256\"", image.RawJson);
    }

    [Fact]
    public void Other_fields_become_unknown_events_with_the_whole_change()
    {
        var u = Assert.IsType<MMUnknownEvent>(Assert.Single(ReadFile("meta-group-create-message.json").Events));
        Assert.Equal("Unknown", u.EventType);
        Assert.Equal("field group_lifecycle_update", u.Reason);
        Assert.Equal("group_lifecycle_update", u.Field);
        Assert.Equal("102290129340398", u.WabaId);
        Assert.StartsWith("{", u.RawJson);
        Assert.Contains("\"group_create\"", u.RawJson);
        Assert.Contains("\"field\": \"group_lifecycle_update\"", u.RawJson);
    }

    [Fact]
    public void Every_Meta_example_reads_without_errors_and_nothing_is_dropped()
    {
        foreach (var file in Directory.GetFiles(Path.GetDirectoryName(Fixture("x"))!, "meta-*.json"))
        {
            var (events, errors) = ReadFile(Path.GetFileName(file));
            Assert.Empty(errors);
            Assert.Single(events);
            Assert.All(events, e => Assert.NotNull(e.WabaId));
        }
    }

    [Fact]
    public void Another_user_action_and_value_level_errors_are_kept_as_unknown()
    {
        var (events, _) = ReadText("""
            {"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{
              "metadata":{"phone_number_id":"9"},
              "user_actions":[{"action_type":"something_new","timestamp":"1750264000"}],
              "errors":[{"code":131000,"title":"Something went wrong"}]}}]}]}
            """);
        Assert.Equal(2, events.Count);
        var action = Assert.IsType<MMUnknownEvent>(events[0]);
        Assert.Equal("user action something_new", action.Reason);
        Assert.Equal("""{"action_type":"something_new","timestamp":"1750264000"}""", action.RawJson);
        Assert.Equal("9", action.PhoneNumberId);
        var errors = Assert.IsType<MMUnknownEvent>(events[1]);
        Assert.Equal("value.errors", errors.Reason);
        Assert.Equal("""[{"code":131000,"title":"Something went wrong"}]""", errors.RawJson);
    }

    [Fact]
    public void Late_field_id_and_metadata_apply_to_the_events_before_them()
    {
        var (events, _) = ReadText("""
            {"entry":[{"changes":[{"value":{"statuses":[{"id":"w1","status":"read","timestamp":1750263773}],
              "metadata":{"phone_number_id":"PN","display_phone_number":"D"}},"field":"messages"}],"id":"WABA"}]}
            """);
        var s = Assert.IsType<MMStatusEvent>(Assert.Single(events));
        Assert.Equal(("WABA", "PN", "D", "messages"), (s.WabaId, s.PhoneNumberId, s.DisplayPhoneNumber, s.Field));
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1750263773), s.Timestamp);
    }

    [Fact]
    public void An_array_of_deliveries_gives_each_deliverys_events_in_order()
    {
        var (events, errors) = ReadFile("deliveries-array.json");
        Assert.Empty(errors);
        Assert.Equal(new[] { "sent", "failed" }, events.Cast<MMStatusEvent>().Select(s => s.Status));
    }

    [Fact]
    public void Each_event_names_the_source_and_line_its_delivery_starts_on()
    {
        var (events, _) = ReadFile("campaign.jsonl");
        Assert.All(events, e => Assert.Equal("campaign.jsonl", e.Source));
        // Line 6 is the broken one; each later line is a delivery of its own.
        Assert.Equal(new long[] { 1, 2, 3, 4, 5, 7 }, events.Select(e => e.Line).Distinct().Take(6));
        var (pretty, _) = ReadText("\n\n" + File.ReadAllText(Fixture("user-preferences-stop.json")));
        Assert.Equal(("text", 3L), (pretty[0].Source, pretty[0].Line));
    }

    [Fact]
    public void JSON_lines_are_read_and_a_half_line_is_reported_with_its_line_and_skipped()
    {
        var (events, errors) = ReadFile("campaign.jsonl");
        var error = Assert.Single(errors);
        Assert.Equal(6, error.Line);
        Assert.Equal(WebhookReadProblem.MalformedJson, error.Problem);
        Assert.Equal("campaign.jsonl", error.Source);
        Assert.Equal("campaign.jsonl, line 6: The delivery is cut short: its line ends in the middle of a value (its writer may have stopped mid-line); skipped to line 7.", error.ToString());
        Assert.Equal(14, events.Count);
        Assert.Equal(10, events.OfType<MMStatusEvent>().Count());
        Assert.Equal(new[] { "CLICK_ID_0001", "CLICK_ID_0001", "CLICK_ID_0002" }, events.OfType<MMClickEvent>().Select(c => c.ClickId));
        var reply = Assert.Single(events.OfType<MMMessageEvent>());
        Assert.Equal(("Ana", "STOP", "wamid.B0001"), (reply.ContactName, reply.Payload, reply.ContextMessageId));
    }

    [Fact]
    public void A_pretty_printed_delivery_after_a_broken_one_is_still_read()
    {
        var (events, errors) = ReadText("{\"entry\": [\n  {\"id\": \n}\n{\n  \"entry\": [{\"id\": \"W\", \"changes\": [{\"field\": \"messages\",\n    \"value\": {\"statuses\": [{\"id\": \"w2\", \"status\": \"sent\"}]}}]}]\n}\n");
        var error = Assert.Single(errors);
        Assert.Equal(3, error.Line);
        Assert.Equal("'}' is an invalid start of a value (in the delivery that starts on line 1); skipped to line 4.", error.Message);
        Assert.Equal("w2", Assert.IsType<MMStatusEvent>(Assert.Single(events)).MessageId);
    }

    private static string Status(string id) =>
        $"{{\"entry\":[{{\"id\":\"W\",\"changes\":[{{\"field\":\"messages\",\"value\":{{\"statuses\":[{{\"id\":\"{id}\",\"status\":\"sent\"}}]}}}}]}}]}}";

    private static string[] Ids(List<MMWebhookEvent> events) => events.Cast<MMStatusEvent>().Select(s => s.MessageId!).ToArray();

    // What a tester found: damage after a value on its line ended the read, and every later delivery was lost.
    [Theory]
    [InlineData(",", "',' is an invalid start of a value; skipped to line 4.")]
    [InlineData(" }", "'}' is an invalid start of a value; skipped to line 4.")]
    [InlineData("{\"obj", "The delivery is cut short: its line ends in the middle of a value (its writer may have stopped mid-line); skipped to line 4.")]
    [InlineData(" nah", "Not JSON: a value that begins with 'n' can only be the literal 'null'; skipped to line 4.")]
    public void Damage_after_a_delivery_on_its_line_costs_only_the_rest_of_that_line(string damage, string message)
    {
        var lines = Enumerable.Range(1, 10).Select(i => Status("w" + i)).ToArray();
        lines[2] += damage;
        var (events, errors) = ReadText(string.Join("\n", lines) + "\n");
        Assert.Equal(Enumerable.Range(1, 10).Select(i => "w" + i), Ids(events));
        var error = Assert.Single(errors);
        Assert.Equal((3L, WebhookReadProblem.MalformedJson, message), (error.Line, error.Problem, error.Message));
    }

    [Fact]
    public void A_delivery_cut_mid_line_is_reported_on_its_own_line_and_the_lines_after_it_are_read()
    {
        // Cut after a colon, the next line reads as the cut one's value, and the JSON only goes wrong a line later.
        var (events, errors) = ReadText(Status("w1") + "\n{\"entry\":[{\"id\":\n" + Status("w3") + "\n" + Status("w4") + "\n");
        Assert.Equal(new[] { "w1", "w3", "w4" }, Ids(events));
        var error = Assert.Single(errors);
        Assert.Equal(2, error.Line);
        Assert.Equal("The delivery is cut short: the next one starts before it ends (its writer may have stopped mid-line); skipped to line 3.", error.Message);

        // Cut inside a number: the line ends in the middle of a value.
        (events, errors) = ReadText(Status("w1") + "\n{\"entry\":[{\"id\":\"W\",\"time\":17502637.\n" + Status("w3") + "\n");
        Assert.Equal(new[] { "w1", "w3" }, Ids(events));
        Assert.Equal("text, line 2: The delivery is cut short: its line ends in the middle of a value (its writer may have stopped mid-line); skipped to line 3.", errors.Single().ToString());

        // Cut with its line break, at the end of the file: the cut line is named, not the line after the file's end.
        (events, errors) = ReadText(Status("w1") + "\n{\"entry\":[{\"id\":\n");
        Assert.Equal(new[] { "w1" }, Ids(events));
        Assert.Equal((2L, "The input ends before this delivery is complete."), (errors.Single().Line, errors.Single().Message));
    }

    [Fact]
    public void Garbage_between_pretty_printed_deliveries_costs_only_its_lines()
    {
        var pretty = (string id) => "{\n  \"entry\": [{\"id\": \"W\", \"changes\": [{\"field\": \"messages\",\n    \"value\": {\"statuses\": [{\"id\": \"" + id + "\", \"status\": \"sent\"}]}}]}]\n}";
        var (events, errors) = ReadText(pretty("w1") + " and more\nnot JSON\n" + pretty("w2") + "\n" + pretty("w3") + "\n");
        Assert.Equal(new[] { "w1", "w2", "w3" }, Ids(events));
        // The line that is not JSON is skipped with the rest of line 4, and said to be.
        var error = Assert.Single(errors);
        Assert.Equal((4L, "'a' is an invalid start of a value; skipped to line 6."), (error.Line, error.Message));
    }

    [Fact]
    public void A_file_cut_off_mid_delivery_reports_the_end_and_keeps_what_came_before()
    {
        var (events, errors) = ReadText("{\"entry\":[{\"id\":\"W\",\"changes\":[{\"field\":\"messages\",\"value\":{\"statuses\":[{\"id\":\"w1\",\"status\":\"sent\"}]}}]}]}\n{\"entry\":[{\"id\"");
        Assert.Single(events);
        var error = Assert.Single(errors);
        Assert.Equal(2, error.Line);
        // Not "broken JSON" to fix: a receiver may still be writing the line.
        Assert.StartsWith("The file ends in the middle of this delivery: a receiver may still be appending to it", error.Message);
        // A broken line with more after it is broken, whatever the buffer holds; so is a whole last line with a mistake.
        var (_, midFile) = ReadText("{\"entry\":[{\"id\"\n{\"entry\":[]}\n");
        Assert.DoesNotContain("ends in the middle", Assert.Single(midFile).Message);
        var (_, mistake) = ReadText("{\"entry\":[]}\n{\"entry\":[] \"object\":1}");
        Assert.DoesNotContain("ends in the middle", Assert.Single(mistake).Message);
    }

    [Fact]
    public void Valid_JSON_that_is_not_a_delivery_is_reported_apart_from_broken_JSON()
    {
        var (events, errors) = ReadText("42\n{\"hello\":1}\n");
        var error = Assert.Single(errors);
        Assert.Equal(WebhookReadProblem.NotADelivery, error.Problem);
        Assert.Equal(1, error.Line);
        var unknown = Assert.IsType<MMUnknownEvent>(Assert.Single(events));
        Assert.Equal("no entry[]", unknown.Reason);
        Assert.Equal("{\"hello\":1}", unknown.RawJson);
    }

    [Fact]
    public void A_broken_element_of_a_one_line_array_costs_the_rest_of_that_line()
    {
        var (events, errors) = ReadText("[" + Status("w1") + ",{\"entry\":[}," + Status("w2") + "]\n" + Status("w3") + "\n[" + Status("w4") + "]\n");
        Assert.Equal(new[] { "w1", "w3", "w4" }, Ids(events));
        var error = Assert.Single(errors);
        Assert.Equal((1L, "'}' is an invalid start of a value; skipped to line 2."), (error.Line, error.Message));
    }

    [Fact]
    public void An_array_left_open_is_reported_on_its_line_and_everything_after_it_is_read()
    {
        var (events, errors) = ReadText(Status("w1") + "\n[" + Status("w2") + "," + Status("w3") + "\n" + Status("w4") + "\n");
        Assert.Equal(new[] { "w1", "w2", "w3", "w4" }, Ids(events));
        var error = Assert.Single(errors);
        Assert.Equal((2L, "The array of deliveries that starts on this line is not closed: the input ends before its ']'."), (error.Line, error.Message));

        // Another array on a later line, no deeper: the first was never closed, and the second is read as an array.
        (events, errors) = ReadText("[\n" + Status("w1") + ",\n[" + Status("w2") + "]\n");
        Assert.Equal(new[] { "w1", "w2" }, Ids(events));
        Assert.Equal((1L, "The array of deliveries that starts on this line is not closed before the next array starts."), (errors.Single().Line, errors.Single().Message));

        // A pretty-printed array whose last delivery is cut: one error, and the array's ']' is found.
        (events, errors) = ReadText("[\n  " + Status("w1") + ",\n  {\"entry\": [\n    {\"id\": \n]\n" + Status("w5") + "\n");
        Assert.Equal(new[] { "w1", "w5" }, Ids(events));
        Assert.Equal(3, errors.Single().Line);
        Assert.EndsWith("; skipped to line 5.", errors.Single().Message);
    }

    [Fact]
    public void Reading_in_small_pieces_gives_the_same_events_and_errors()
    {
        var bytes = File.ReadAllBytes(Fixture("campaign.jsonl"));
        var (whole, wholeErrors) = Read(new MemoryStream(bytes), "whole");
        var (pieces, pieceErrors) = Read(new TrickleStream(bytes, 7), "pieces");
        Assert.Equal(whole.Select(Describe), pieces.Select(Describe));
        Assert.Equal(wholeErrors.Select(e => e.Line), pieceErrors.Select(e => e.Line));
    }

    private static string Describe(MMWebhookEvent e) => e switch
    {
        MMStatusEvent s => $"{s.MessageId} {s.Status} {s.Timestamp:O} {s.CallbackData} {s.ErrorCode} {s.WabaId}",
        MMClickEvent c => $"{c.ClickId} {c.ClickComponent}",
        MMMessageEvent m => $"{m.MessageId} {m.Payload} {m.ContactName}",
        _ => e.EventType,
    };

    /// <summary>A non-seekable stream that hands out at most a few bytes per read, as a slow network or pipe does.</summary>
    private sealed class TrickleStream : ForwardOnlyStream
    {
        private readonly MemoryStream _inner;
        private readonly int _piece;
        public TrickleStream(byte[] bytes, int piece) { _inner = new MemoryStream(bytes); _piece = piece; }
        public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, Math.Min(count, _piece));    }

    // Where framing a broken value finds its error must not depend on how much of the stream the buffer holds (which
    // differs between a file read whole and in parts): only the first maximum-size bytes of a value are looked at.
    [Fact]
    public void A_cut_value_whose_error_lies_beyond_the_maximum_reads_the_same_however_the_stream_comes()
    {
        const int max = 1500;
        // The cut line runs on into the next, a good line just under the maximum, and goes wrong only after both.
        const string cut = "{\"entry\":[{\"id\":\"W\",\"changes\":\n";
        var longLine = Status("w3").Replace("{\"entry\"", "{\"pad\":\"" + new string('x', max - 10 - Status("w3").Length - 9) + "\",\"entry\"");
        Assert.InRange(longLine.Length, max - cut.Length + 1, max);
        var bytes = Encoding.UTF8.GetBytes(Status("w1") + "\n" + cut + longLine + "\n" + Status("w4") + "\n");
        var (whole, wholeErrors) = ReadWithLimit(new MemoryStream(bytes), max);
        var (pieces, pieceErrors) = ReadWithLimit(new TrickleStream(bytes, 7), max);
        Assert.Equal(new[] { "w1", "w3", "w4" }, Ids(whole));
        Assert.Equal(Ids(whole), Ids(pieces));
        var error = Assert.Single(wholeErrors);
        Assert.Equal("limited, line 2: The delivery is cut short: the next one starts before it ends (its writer may have stopped mid-line); skipped to line 3.", error.ToString());
        Assert.Equal(error.ToString(), Assert.Single(pieceErrors).ToString());
    }

    [Fact]
    public void A_BOM_and_CRLF_line_ends_are_accepted()
    {
        var line = File.ReadAllText(Fixture("campaign.jsonl")).Split('\n')[0];
        var bytes = new byte[] { 0xEF, 0xBB, 0xBF }.Concat(Encoding.UTF8.GetBytes(line + "\r\n" + line + "\r\n")).ToArray();
        var (events, errors) = Read(new MemoryStream(bytes), "bom");
        Assert.Empty(errors);
        Assert.Equal(2, events.Count);

        // A half line between CRLF lines is cut short too, not "'0x0D' is invalid within a JSON string".
        (events, errors) = ReadText(line + "\r\n" + line.Substring(0, line.IndexOf("wamid.", StringComparison.Ordinal) + 3) + "\r\n" + line + "\r\n");
        Assert.Equal(2, events.Count);
        Assert.Equal("text, line 2: The delivery is cut short: its line ends in the middle of a value (its writer may have stopped mid-line); skipped to line 3.", errors.Single().ToString());
    }

    [Fact]
    public void A_delivery_larger_than_the_buffer_is_read_whole()
    {
        var statuses = string.Join(",", Enumerable.Range(0, 3000).Select(i => $"{{\"id\":\"wamid.{i}\",\"status\":\"delivered\",\"timestamp\":\"1750263773\",\"recipient_id\":\"4477009{i:D5}\"}}"));
        var json = Encoding.UTF8.GetBytes($"[{{\"entry\":[{{\"id\":\"W\",\"changes\":[{{\"field\":\"messages\",\"value\":{{\"statuses\":[{statuses}]}}}}]}}]}}]");
        Assert.True(json.Length > 4 * 64 * 1024);
        // Not seekable: the reader starts with its usual 64 KB buffer and must grow it.
        var (events, errors) = Read(new TrickleStream(json, 8192), "big");
        Assert.Empty(errors);
        Assert.Equal(3000, events.Count);
        Assert.Equal("wamid.2999", ((MMStatusEvent)events[^1]).MessageId);
    }

    private static byte[] StatusLine(string id) => Encoding.UTF8.GetBytes(
        $"{{\"entry\":[{{\"id\":\"W\",\"changes\":[{{\"field\":\"messages\",\"value\":{{\"statuses\":[{{\"id\":\"{id}\",\"status\":\"sent\",\"biz_opaque_callback_data\":\"spring\"}}]}}}}]}}]}}\n");

    /// <summary>A status line with a byte that is never UTF-8 (0xFF) in its callback data, or in a field nobody reads.</summary>
    private static byte[] BadUtf8Line(string id, bool inSkippedField = false)
    {
        var text = Encoding.UTF8.GetString(StatusLine(id));
        text = inSkippedField ? text.Replace("{\"entry\"", "{\"note\":\"\u0001\",\"entry\"") : text.Replace("spring", "spr\u0001ing");
        var bytes = Encoding.UTF8.GetBytes(text);
        bytes[Array.IndexOf(bytes, (byte)1)] = 0xFF;
        return bytes;
    }

    [Fact]
    public void Each_line_that_is_not_UTF8_is_one_error_naming_its_line_and_reading_goes_on()
    {
        var bytes = StatusLine("w1").Concat(BadUtf8Line("w2")).Concat(StatusLine("w3")).Concat(BadUtf8Line("w4", inSkippedField: true)).Concat(StatusLine("w5")).ToArray();
        var (events, errors) = Read(new MemoryStream(bytes), "bad.jsonl");
        Assert.Equal(new[] { "w1", "w3", "w5" }, events.Cast<MMStatusEvent>().Select(s => s.MessageId));
        Assert.Equal(new long[] { 2, 4 }, errors.Select(e => e.Line));
        Assert.All(errors, e => Assert.Equal(WebhookReadProblem.MalformedJson, e.Problem));
        Assert.StartsWith("bad.jsonl, line 2: ", errors[0].ToString());
    }

    [Fact]
    public void A_delivery_over_the_maximum_is_one_error_and_the_next_line_is_read()
    {
        var padding = Encoding.UTF8.GetBytes("{\"entry\":[],\"pad\":\"" + new string('x', 5000) + "\"}\n");
        var bytes = StatusLine("w1").Concat(padding).Concat(StatusLine("w3")).ToArray();
        var (events, errors) = ReadWithLimit(new TrickleStream(bytes, 700), 1024);
        Assert.Equal(new[] { "w1", "w3" }, events.Cast<MMStatusEvent>().Select(s => s.MessageId));
        var error = Assert.Single(errors);
        Assert.Equal((2L, WebhookReadProblem.TooLarge), (error.Line, error.Problem));
        Assert.Contains("1,024 bytes", error.Message);
    }

    [Fact]
    public void A_delivery_just_under_the_maximum_is_read()
    {
        var line = StatusLine("w1");
        var (events, errors) = ReadWithLimit(new MemoryStream(line), line.Length - 1);
        Assert.Empty(errors);
        Assert.Single(events);
    }

    [Fact]
    public void A_line_of_tens_of_megabytes_is_skipped_without_being_held_in_memory()
    {
        // 40 MB of one line generated on the fly: a 1 GB line behaves the same, only slower.
        const long hugeLength = 40L * 1024 * 1024;
        var stream = new GeneratedStream(StatusLine("w1"), hugeLength, StatusLine("w3"));
        var before = GC.GetAllocatedBytesForCurrentThread();
        var (events, errors) = ReadWithLimit(stream, 256 * 1024);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(new[] { "w1", "w3" }, events.Cast<MMStatusEvent>().Select(s => s.MessageId));
        Assert.Equal((2L, WebhookReadProblem.TooLarge), (Assert.Single(errors).Line, errors[0].Problem));
        Assert.True(allocated < 2 * 1024 * 1024, $"Reading allocated {allocated:N0} bytes for a {hugeLength:N0}-byte line.");
    }

    private static (List<MMWebhookEvent>, List<WebhookReadError>) ReadWithLimit(Stream stream, int maxDeliveryBytes)
    {
        var errors = new List<WebhookReadError>();
        var events = WebhookReader.Read(stream, "limited", errors.Add, default, maxDeliveryBytes).ToList();
        return (events, errors);
    }

    /// <summary>first, then one line of <c>{"entry":[],"pad":"xxx…"}</c> <paramref name="hugeLength"/> bytes long, then last; nothing held.</summary>
    private sealed class GeneratedStream : ForwardOnlyStream
    {
        private readonly byte[] _first, _last, _open = Encoding.ASCII.GetBytes("{\"entry\":[],\"pad\":\""), _close = Encoding.ASCII.GetBytes("\"}\n");
        private readonly long _length;
        private long _position;

        public GeneratedStream(byte[] first, long hugeLength, byte[] last) { _first = first; _last = last; _length = first.Length + hugeLength + last.Length; }

        private byte At(long i)
        {
            if (i < _first.Length) return _first[i];
            i -= _first.Length;
            var huge = _length - _first.Length - _last.Length;
            if (i < huge)
            {
                if (i < _open.Length) return _open[i];
                if (i >= huge - _close.Length) return _close[i - (huge - _close.Length)];
                return (byte)'x';
            }
            return _last[i - huge];
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = (int)Math.Min(count, _length - _position);
            for (var k = 0; k < n; k++) buffer[offset + k] = At(_position++);
            return n;
        }
    }

    /// <summary>A readable stream that cannot seek, as a pipe or network stream is.</summary>
    private abstract class ForwardOnlyStream : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
