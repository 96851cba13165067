using System;
using System.Text.Json;

namespace Dialog360.MM.Core.Api;

/// <summary>
/// The API's answer to an accepted send (schema MarketingMessageResponsePayload):
/// {"messaging_product":"whatsapp","contacts":[{"input","wa_id"}],"messages":[{"id","message_status"}]}.
/// </summary>
public sealed class SendResponse
{
    public SendResponse(string? waId, string? messageId, string? messageStatus)
    {
        WaId = waId;
        MessageId = messageId;
        MessageStatus = messageStatus;
    }

    public string? WaId { get; }
    /// <summary>The wamid that status webhooks will name.</summary>
    public string? MessageId { get; }
    /// <summary>accepted, held_for_quality_assessment or paused (Cloud API answers may omit it).</summary>
    public string? MessageStatus { get; }

    /// <summary>
    /// Reads an accepted send. Anything but a JSON object whose messages[0].id is a non-empty string is not a clear
    /// acceptance (a proxy's page, <c>[]</c>, <c>{}</c>, an id that is a number): <see cref="FormatException"/>, which the
    /// client reports as in doubt, since a 2xx status says the API may well have taken the message.
    /// </summary>
    /// <exception cref="FormatException">The body is not JSON, or not the shape of an accepted send.</exception>
    public static SendResponse Parse(byte[] body)
    {
        JsonDocument doc;
        try { doc = JsonDocument.Parse(body); }
        catch (JsonException ex) { throw new FormatException($"the answer is not JSON ({ex.Message})", ex); }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw new FormatException($"the answer is a JSON {root.ValueKind.ToString().ToLowerInvariant()}, not an object");
            if (!root.TryGetProperty("messages", out var messages) || messages.ValueKind != JsonValueKind.Array || messages.GetArrayLength() == 0 ||
                messages[0].ValueKind != JsonValueKind.Object)
                throw new FormatException("the answer has no messages[0]");
            var m = messages[0];
            if (!m.TryGetProperty("id", out var i) || i.ValueKind != JsonValueKind.String || string.IsNullOrEmpty(i.GetString()))
                throw new FormatException("the answer's messages[0] has no message id (a string)");
            string? waId = null, status = null;
            if (root.TryGetProperty("contacts", out var contacts) && contacts.ValueKind == JsonValueKind.Array && contacts.GetArrayLength() > 0 &&
                contacts[0].ValueKind == JsonValueKind.Object && contacts[0].TryGetProperty("wa_id", out var w) && w.ValueKind == JsonValueKind.String)
                waId = w.GetString();
            if (m.TryGetProperty("message_status", out var s) && s.ValueKind == JsonValueKind.String) status = s.GetString();
            return new SendResponse(waId, i.GetString(), status);
        }
    }
}
