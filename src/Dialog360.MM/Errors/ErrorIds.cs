namespace Dialog360.MM.Errors;

/// <summary>
/// The ErrorIds this module writes: a public contract (scripts match on them; tests assert them).
/// API errors with a Graph code use <see cref="ForApiCode"/>: "ApiError131050".
/// </summary>
public static class ErrorIds
{
    public const string NoApiKey = "NoApiKey";
    public const string InvalidApiKey = "InvalidApiKey";
    public const string InvalidBaseUri = "InvalidBaseUri";
    public const string ApiUnreachable = "ApiUnreachable";
    public const string ApiTimeout = "ApiTimeout";
    public const string AccountNotConnected = "AccountNotConnected";
    public const string AccountNotFound = "AccountNotFound";
    public const string NotOnboarded = "NotOnboarded";
    public const string InvalidBodyParameter = "InvalidBodyParameter";
    public const string TemplateNotFound = "TemplateNotFound";
    public const string InvalidWebhookUrl = "InvalidWebhookUrl";
    /// <summary>The pre-send check could not list the account's templates.</summary>
    public const string TemplateCheckFailed = "TemplateCheckFailed";
    /// <summary>The journal cannot be opened, read (a line of the wrong shape) or written (a full disk).</summary>
    public const string JournalUnavailable = "JournalUnavailable";
    /// <summary>Another run (this process or another, named in the message) holds the journal.</summary>
    public const string JournalInUse = "JournalInUse";
    /// <summary>The journal belongs to another campaign (template, language, route or account).</summary>
    public const string JournalMismatch = "JournalMismatch";
    /// <summary>A worker of the send engine ended unexpectedly: a defect, reported instead of waiting forever.</summary>
    public const string SendEngineFailed = "SendEngineFailed";
    /// <summary>The journal has an unanswered request to this recipient: not resent without -RetryUnknown.</summary>
    public const string SendInDoubt = "SendInDoubt";
    public const string SendStopped = "SendStopped";
    public const string EmulatorStartFailed = "EmulatorStartFailed";
    public const string InvalidFailRecipient = "InvalidFailRecipient";
    public const string InvalidEmulatorTemplate = "InvalidEmulatorTemplate";
    /// <summary>A -Fault or -FaultRate entry of Start-MMEmulator names no known fault or gives a share outside 0 to 1.</summary>
    public const string InvalidEmulatorFault = "InvalidEmulatorFault";
    public const string InvalidWebhookJson = "InvalidWebhookJson";
    public const string NotAWebhookDelivery = "NotAWebhookDelivery";
    /// <summary>A stored delivery larger than -MaxDeliveryBytes: skipped, reading goes on.</summary>
    public const string WebhookDeliveryTooLarge = "WebhookDeliveryTooLarge";
    public const string WebhookFileNotFound = "WebhookFileNotFound";
    public const string WebhookFileUnreadable = "WebhookFileUnreadable";
    public const string InvalidWebhookPayload = "InvalidWebhookPayload";
    public const string WebhookReceiverStartFailed = "WebhookReceiverStartFailed";
    /// <summary>Another receiver (in this or another process) is writing the file; the message names it.</summary>
    public const string WebhookFileInUse = "WebhookFileInUse";
    /// <summary>No suppression list is named, or its file cannot be read or written (folder missing, no permission, disk full).</summary>
    public const string SuppressionListUnavailable = "SuppressionListUnavailable";
    /// <summary>Another writer held the suppression list for longer than the few seconds a batch waits.</summary>
    public const string SuppressionListInUse = "SuppressionListInUse";
    /// <summary>A line of the suppression list file is not a record (the line number is in the message); the rest counts.</summary>
    public const string InvalidSuppressionEntry = "InvalidSuppressionEntry";
    /// <summary>The number is not on the suppression list (Get- or Remove-MMSuppression with a plain number).</summary>
    public const string SuppressionNotFound = "SuppressionNotFound";
    public const string JournalNotFound = "JournalNotFound";
    public const string JournalRequired = "JournalRequired";

    public static string ForApiCode(int code) => "ApiError" + code.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public static string ForHttpStatus(int status) => "ApiHttp" + status.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
