using System;
using Dialog360.MM.Core.Api;
using Dialog360.MM.Core.Messages;
using Dialog360.MM.Core.State;

namespace Dialog360.MM.Core.Campaigns;

/// <summary>One recipient's outcome: exactly one per input record, whatever happened.</summary>
public sealed class MMSendResult
{
    /// <summary>The number sent to, digits only; empty for a person known only by a BSUID.</summary>
    public string To { get; set; } = string.Empty;
    /// <summary>The person's business-scoped user ID, as given or as the send answer named it.</summary>
    public string? UserId { get; set; }
    /// <summary>The number as WhatsApp knows the person (the answer's wa_id).</summary>
    public string? WaId { get; set; }
    public string? MessageId { get; set; }
    /// <summary>The API's message_status: accepted, held_for_quality_assessment or paused.</summary>
    public string? MessageStatus { get; set; }
    public SendStatus Status { get; set; }
    /// <summary>Meta's error code (131050, …), or the input check that failed (InvalidPhoneNumber, …).</summary>
    public string? ErrorCode { get; set; }
    public string? ErrorMessage { get; set; }
    /// <summary>What to do about the error, for the common API codes.</summary>
    public string? ErrorHint { get; set; }
    public string TemplateName { get; set; } = string.Empty;
    /// <summary>The URL the message was posted to (no key, no query).</summary>
    public string? Endpoint { get; set; }
    public DateTimeOffset SentAt { get; set; }
    /// <summary>Requests made for this recipient (retries included); 0 when nothing was sent.</summary>
    public int Attempts { get; set; }
    /// <summary>biz_opaque_callback_data sent with the message: it comes back in status webhooks.</summary>
    public string? CallbackData { get; set; }
    /// <summary>Deferred, or refused with 131049: the earliest time a new try makes sense.</summary>
    public DateTimeOffset? NotBefore { get; set; }

    /// <summary>Accepted, but Meta holds it (held_for_quality_assessment) or the template is paused: not on its way yet.</summary>
    public bool IsHeld => Status == SendStatus.Accepted && MessageStatus is "held_for_quality_assessment" or "paused";

    public static MMSendResult Accepted(TemplateMessage message, SendResponse response, Uri endpoint, DateTimeOffset sentAt) => new()
    {
        CallbackData = message.CallbackData,
        To = message.To ?? string.Empty,
        UserId = response.UserId ?? message.UserId,
        WaId = response.WaId,
        MessageId = response.MessageId,
        MessageStatus = response.MessageStatus,
        Status = SendStatus.Accepted,
        TemplateName = message.TemplateName,
        Endpoint = endpoint.ToString(),
        SentAt = sentAt,
    };

    /// <summary>A result for a message that was not accepted (or not sent at all): its recipient, template and callback data.</summary>
    public static MMSendResult NotAccepted(TemplateMessage message, SendStatus status, string errorCode, string errorMessage, Uri? endpoint, DateTimeOffset at)
    {
        var result = Failed(message.To ?? string.Empty, message.TemplateName, errorCode, errorMessage, endpoint, at, status);
        result.UserId = message.UserId;
        result.CallbackData = message.CallbackData;
        return result;
    }

    public static MMSendResult Failed(string to, string templateName, string errorCode, string errorMessage, Uri? endpoint,
        DateTimeOffset sentAt, SendStatus status = SendStatus.Failed) => new()
    {
        To = to,
        Status = status,
        ErrorCode = errorCode,
        ErrorMessage = errorMessage,
        TemplateName = templateName,
        Endpoint = endpoint?.ToString(),
        SentAt = sentAt,
    };

    /// <summary>The journal's outcome line for this result.</summary>
    public JournalOutcome ToJournal() => new()
    {
        To = To,
        UserId = UserId,
        WaId = WaId,
        TemplateName = TemplateName,
        Status = Status.ToString(),
        MessageId = MessageId,
        CallbackData = CallbackData,
        MessageStatus = MessageStatus,
        ErrorCode = ErrorCode,
        NotBefore = NotBefore,
        Attempts = Attempts,
    };

    public override string ToString() => $"{(To.Length > 0 ? To : UserId)} {Status}";
}
