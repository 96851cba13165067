using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text.Json;

namespace Dialog360.MM.Emulator.Webhooks;

/// <summary>
/// Writes deliveries in the Cloud API's webhook shapes. The envelope and StatusMessageValue/Statuses/Pricing/StatusError
/// follow Meta's OpenAPI file (meta-business-messaging-api_v23.0.yaml, path /whatsapp/webhooks); the field order and
/// the parts the file has no example for follow the fixtures in tests/fixtures/webhooks (Meta's status, click-event and
/// user_preferences references), which the tests compare every delivery with field by field. The fields for
/// business-scoped user IDs follow Meta's "Business-scoped user IDs" (docs/reference/mm-api.md): every status names the
/// person's BSUID (recipient_user_id) and, unless they are a username user, their number (recipient_id); sent,
/// delivered and read statuses come with a contacts[] entry (wa_id when the number is shown, user_id, and the username
/// on delivered and read), failed ones without.
/// </summary>
internal static class WebhookPayload
{
    // The emulated business: a WABA and one phone number (Meta's documentation uses the same kind of values).
    public const string WabaId = "102290129340398";
    public const string DisplayPhoneNumber = "15550783881";
    public const string PhoneNumberId = "106540352242922";

    private const string ErrorCodesPage = "https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/";

    /// <summary>One delivery with these statuses in one change (the platform batches statuses that way).</summary>
    public static byte[] Statuses(IReadOnlyList<WebhookEvent> statuses) => Envelope("messages", w =>
    {
        WriteStatusContacts(w, statuses);
        w.WriteStartArray("statuses");
        foreach (var e in statuses) WriteStatus(w, e);
        w.WriteEndArray();
    });

    /// <summary>A link click (Meta's "Tracking click events" for the MM API): it does not say who clicked.</summary>
    public static byte[] Click(WebhookEvent e) => Envelope("messages", w =>
    {
        w.WriteStartArray("user_actions");
        w.WriteStartObject();
        w.WriteString("action_type", "marketing_messages_link_click");
        w.WriteString("timestamp", e.Timestamp.ToString(CultureInfo.InvariantCulture));
        w.WriteStartObject("marketing_messages_link_click_data");
        w.WriteString("click_component", e.ClickComponent);
        w.WriteString("product_id", "emu" + e.Token.Substring(0, 7).ToLowerInvariant());
        w.WriteString("click_id", "CLICK" + e.Token);
        w.WriteString("tracking_token", "TRACK" + e.Token);
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteEndArray();
    });

    /// <summary>
    /// A user_preferences stop: the recipient stopped marketing messages from this number. A username user's names only
    /// their BSUID (user_id), without wa_id.
    /// </summary>
    public static byte[] OptOut(WebhookEvent e) => Envelope("user_preferences", w =>
    {
        var person = e.Person;
        w.WriteStartArray("contacts");
        w.WriteStartObject();
        w.WriteStartObject("profile");
        w.WriteString("name", "Emulated " + person.Key.Substring(person.Key.Length - 4));
        if (person.Username != null) w.WriteString("username", person.Username);
        w.WriteEndObject();
        if (person.SharedPhone != null) w.WriteString("wa_id", person.SharedPhone);
        w.WriteString("user_id", person.UserId);
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteStartArray("user_preferences");
        w.WriteStartObject();
        if (person.SharedPhone != null) w.WriteString("wa_id", person.SharedPhone);
        w.WriteString("user_id", person.UserId);
        w.WriteString("detail", "User requested to stop marketing messages");
        w.WriteString("category", "marketing_messages");
        w.WriteString("value", "stop");
        // A number here, unlike the string timestamps of statuses: Meta's user_preferences reference shows it so.
        w.WriteNumber("timestamp", e.Timestamp);
        w.WriteEndObject();
        w.WriteEndArray();
    });

    /// <summary>
    /// value.contacts[] for the people of the batch's sent, delivered and read statuses, one entry each (failed statuses
    /// have none); a username user's entry has their username when one of their statuses here is delivered or read.
    /// </summary>
    private static void WriteStatusContacts(Utf8JsonWriter w, IReadOnlyList<WebhookEvent> statuses)
    {
        var people = new List<EmulatedPerson>(statuses.Count);
        var withUsername = new HashSet<EmulatedPerson>();
        foreach (var e in statuses)
        {
            if (e.Status == "failed") continue;
            if (!people.Contains(e.Person)) people.Add(e.Person);
            if (e.Status is "delivered" or "read") withUsername.Add(e.Person);
        }
        if (people.Count == 0) return;
        w.WriteStartArray("contacts");
        foreach (var person in people)
        {
            w.WriteStartObject();
            if (person.Username != null && withUsername.Contains(person))
            {
                w.WriteStartObject("profile");
                w.WriteString("username", person.Username);
                w.WriteEndObject();
            }
            if (person.SharedPhone != null) w.WriteString("wa_id", person.SharedPhone);
            w.WriteString("user_id", person.UserId);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    private static void WriteStatus(Utf8JsonWriter w, WebhookEvent e)
    {
        w.WriteStartObject();
        w.WriteString("id", e.MessageId);
        w.WriteString("status", e.Status);
        w.WriteString("timestamp", e.Timestamp.ToString(CultureInfo.InvariantCulture));
        if (e.Person.SharedPhone != null) w.WriteString("recipient_id", e.Person.SharedPhone);
        w.WriteString("recipient_user_id", e.Person.UserId);
        // Sent and delivered statuses are priced; read and failed ones carry neither conversation nor pricing, except a
        // max-price send's read status, whose pricing names the delivery's price as its delivered status does (Meta's
        // max-price page: pricing.cost {amount, currency} on delivered and read).
        if (e.Status is "sent" or "delivered")
        {
            w.WriteStartObject("conversation");
            w.WriteString("id", "CONV" + e.Token);
            w.WriteStartObject("origin");
            w.WriteString("type", e.PricingCategory);
            w.WriteEndObject();
            w.WriteEndObject();
        }
        if (e.Status is "sent" or "delivered" || e.Cost != null)
        {
            w.WriteStartObject("pricing");
            w.WriteBoolean("billable", true);
            w.WriteString("pricing_model", "PMP");
            w.WriteString("category", e.PricingCategory);
            w.WriteString("type", "regular");
            if (e.Cost is decimal cost)
            {
                w.WriteStartObject("cost");
                w.WriteNumber("amount", cost);
                w.WriteString("currency", e.Currency);
                w.WriteEndObject();
            }
            w.WriteEndObject();
        }
        if (e.CallbackData != null) w.WriteString("biz_opaque_callback_data", e.CallbackData);
        if (e.Status == "failed")
        {
            w.WriteStartArray("errors");
            w.WriteStartObject();
            w.WriteNumber("code", e.ErrorCode);
            var title = Title(e.ErrorCode);
            w.WriteString("title", title);
            w.WriteString("message", title);
            w.WriteStartObject("error_data");
            w.WriteString("details", Details(e.ErrorCode));
            w.WriteEndObject();
            w.WriteString("href", ErrorCodesPage);
            w.WriteEndObject();
            w.WriteEndArray();
        }
        w.WriteEndObject();
    }

    private static string Title(int code) => code switch
    {
        131049 => "This message was not delivered to maintain healthy ecosystem engagement.",
        131050 => "Unable to deliver the message. This recipient has chosen to stop receiving marketing messages on WhatsApp from your business.",
        _ => "Message Undeliverable.",
    };

    private static string Details(int code) => code switch
    {
        131049 => "In order to maintain a healthy ecosystem engagement, the message failed to be delivered.",
        131050 => "The recipient has stopped marketing messages from this business.",
        _ => "Message failed to send because the recipient's phone number is not on WhatsApp or cannot receive this message.",
    };

    private static byte[] Envelope(string field, System.Action<Utf8JsonWriter> writeValue)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, Core.Messages.TemplateMessage.WriterOptions))
        {
            w.WriteStartObject();
            w.WriteString("object", "whatsapp_business_account");
            w.WriteStartArray("entry");
            w.WriteStartObject();
            w.WriteString("id", WabaId);
            w.WriteStartArray("changes");
            w.WriteStartObject();
            w.WriteStartObject("value");
            w.WriteString("messaging_product", "whatsapp");
            w.WriteStartObject("metadata");
            w.WriteString("display_phone_number", DisplayPhoneNumber);
            w.WriteString("phone_number_id", PhoneNumberId);
            w.WriteEndObject();
            writeValue(w);
            w.WriteEndObject();
            w.WriteString("field", field);
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return stream.ToArray();
    }
}
