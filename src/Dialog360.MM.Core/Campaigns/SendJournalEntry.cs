namespace Dialog360.MM.Core.Campaigns;

/// <summary>One accepted send as the send journal records it: what Measure-MMCampaign joins statuses to by MessageId.</summary>
public sealed class SendJournalEntry
{
    public SendJournalEntry(string messageId, string? templateName, string? to, string? callbackData)
    {
        MessageId = messageId;
        TemplateName = templateName;
        To = to;
        CallbackData = callbackData;
    }

    public string MessageId { get; }
    public string? TemplateName { get; }
    public string? To { get; }
    public string? CallbackData { get; }
}
