namespace Dialog360.MM.Core.Webhooks;

/// <summary>
/// One event from a webhook delivery, flattened from object → entry[] → changes[] → value: where it came from
/// (WABA, business number, change field) and, in the derived types, what happened.
/// </summary>
public abstract class MMWebhookEvent
{
    /// <summary>Status, Click, Message, UserPreference, TemplateStatus, TemplateCategory, AccountUpdate or Unknown.</summary>
    public abstract string EventType { get; }

    /// <summary>entry[].id: the WhatsApp Business Account.</summary>
    public string? WabaId { get; internal set; }

    /// <summary>value.metadata.phone_number_id: the business number the event concerns.</summary>
    public string? PhoneNumberId { get; internal set; }

    public string? DisplayPhoneNumber { get; internal set; }

    /// <summary>changes[].field, e.g. "messages".</summary>
    public string? Field { get; internal set; }

    /// <summary>Where the delivery was read: the file path, or e.g. "input string 3" (with <see cref="Line"/>, what a suppression entry cites).</summary>
    public string? Source { get; internal set; }

    /// <summary>1-based line where the delivery starts in <see cref="Source"/>.</summary>
    public long Line { get; internal set; }
}
