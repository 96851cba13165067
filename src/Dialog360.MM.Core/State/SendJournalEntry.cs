namespace Dialog360.MM.Core.State;

/// <summary>One accepted send as the send journal records it: what Measure-MMCampaign joins statuses to by MessageId.</summary>
public sealed class SendJournalEntry
{
    public SendJournalEntry(string messageId, string? templateName, string? to, string? callbackData, string? messageStatus = null, string? userId = null)
    {
        UserId = userId;
        MessageStatus = messageStatus;
        MessageId = messageId;
        TemplateName = templateName;
        To = to;
        CallbackData = callbackData;
    }

    public string MessageId { get; }
    public string? TemplateName { get; }
    public string? To { get; }
    /// <summary>The BSUID the message went to (a send by -UserId), or that the answer named.</summary>
    public string? UserId { get; }
    /// <summary>Who the message went to: the number, else the BSUID.</summary>
    public string? Recipient => To ?? UserId;
    public string? CallbackData { get; }
    /// <summary>The send answer's message_status: accepted, or held_for_quality_assessment / paused (not on its way yet).</summary>
    public string? MessageStatus { get; }
}
