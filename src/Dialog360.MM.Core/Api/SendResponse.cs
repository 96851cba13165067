using System;
using System.Text.Json;

namespace Dialog360.MM.Core.Api;

/// <summary>
/// The API's answer to an accepted send (schema MarketingMessageResponsePayload):
/// {"messaging_product":"whatsapp","contacts":[{"input","wa_id","user_id"}],"messages":[{"id","message_status"}]}.
/// Since BSUIDs (2026) contacts[0] also carries the person's user_id, and wa_id only for a send to a number or where
/// Meta shares the number (Meta, "Business-scoped user IDs"; docs/reference/mm-api.md).
/// </summary>
public sealed class SendResponse
{
    public SendResponse(string? waId, string? messageId, string? messageStatus, string? userId = null, string? input = null)
    {
        WaId = waId;
        MessageId = messageId;
        MessageStatus = messageStatus;
        UserId = userId;
        Input = input;
    }

    /// <summary>The number as WhatsApp knows the person; may differ in form from the one sent (Brazil, Mexico, Argentina).</summary>
    public string? WaId { get; }
    /// <summary>The person's business-scoped user ID.</summary>
    public string? UserId { get; }
    /// <summary>What was sent, as the API echoes it.</summary>
    public string? Input { get; }
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
            string? waId = null, userId = null, input = null, status = null;
            if (root.TryGetProperty("contacts", out var contacts) && contacts.ValueKind == JsonValueKind.Array && contacts.GetArrayLength() > 0 &&
                contacts[0].ValueKind == JsonValueKind.Object)
            {
                waId = Text(contacts[0], "wa_id");
                userId = Text(contacts[0], "user_id");
                input = Text(contacts[0], "input");
            }
            if (m.TryGetProperty("message_status", out var s) && s.ValueKind == JsonValueKind.String) status = s.GetString();
            return new SendResponse(waId, i.GetString(), status, userId, input);
        }
    }

    private static string? Text(JsonElement o, string name) =>
        o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String && v.GetString() is { Length: > 0 } s ? s : null;
}
