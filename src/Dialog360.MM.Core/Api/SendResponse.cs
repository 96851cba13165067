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

    public static SendResponse Parse(byte[] body)
    {
        using var doc = JsonDocument.Parse(body);
        var root = doc.RootElement;
        string? waId = null, id = null, status = null;
        if (root.TryGetProperty("contacts", out var contacts) && contacts.ValueKind == JsonValueKind.Array && contacts.GetArrayLength() > 0 &&
            contacts[0].TryGetProperty("wa_id", out var w))
            waId = w.GetString();
        if (root.TryGetProperty("messages", out var messages) && messages.ValueKind == JsonValueKind.Array && messages.GetArrayLength() > 0)
        {
            var m = messages[0];
            if (m.TryGetProperty("id", out var i)) id = i.GetString();
            if (m.TryGetProperty("message_status", out var s)) status = s.GetString();
        }
        return new SendResponse(waId, id, status);
    }
}
