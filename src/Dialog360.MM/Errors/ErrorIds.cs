using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Management.Automation;
using System.Reflection;
using Dialog360.MM.Core.Campaigns;
using Dialog360.MM.Core.Messages;

namespace Dialog360.MM.Errors;

/// <summary>One ErrorId of the public contract: the id scripts branch on, its category, and what the user should do.</summary>
public sealed class ErrorId
{
    internal ErrorId(string id, ErrorCategory category, string recommendedAction)
    {
        Id = id;
        Category = category;
        RecommendedAction = recommendedAction;
    }

    /// <summary>The ErrorId as written in FullyQualifiedErrorId; for a family, its pattern (e.g. "ApiError&lt;code&gt;").</summary>
    public string Id { get; }
    public ErrorCategory Category { get; }
    public string RecommendedAction { get; }

    public override string ToString() => Id;
}

/// <summary>
/// Every ErrorId this module writes, in one place with its category and recommended action: the public contract
/// (scripts match on them; README and about_Dialog360.MM list them; ErrorContractTests keeps the three in step).
/// To add an id: one entry here and one line in each document. Ids that name a validation cause of Core
/// (<see cref="ValidationReason"/>) take their text from there, because Core cannot see this assembly.
/// </summary>
public static class ErrorIds
{
    // Accounts and the API
    public static readonly ErrorId NoApiKey = new(nameof(NoApiKey), ErrorCategory.InvalidArgument,
        "Connect-MMAccount -ApiKey (Read-Host -AsSecureString 'API key'), or -Credential, or set D360_API_KEY.");
    public static readonly ErrorId InvalidApiKeyFormat = new(nameof(InvalidApiKeyFormat), ErrorCategory.InvalidArgument,
        "Give the key without line breaks, tabs or other control characters: copy it again from the 360dialog Client Hub.");
    public static readonly ErrorId InvalidApiKey = new(nameof(InvalidApiKey), ErrorCategory.AuthenticationError,
        "Check the key in the 360dialog Client Hub or create a new one; -SkipValidation if the key may not read templates.");
    public static readonly ErrorId InvalidBaseUri = new(nameof(InvalidBaseUri), ErrorCategory.InvalidArgument,
        "Use https, e.g. https://waba-v2.360dialog.io; http only for loopback, such as the emulator.");
    public static readonly ErrorId AccountNotConnected = new(nameof(AccountNotConnected), ErrorCategory.ConnectionError,
        "Run Connect-MMAccount. Each runspace (ForEach-Object -Parallel, thread jobs) connects on its own.");
    public static readonly ErrorId AccountNotFound = new(nameof(AccountNotFound), ErrorCategory.ObjectNotFound,
        "Run Get-MMAccount to see the connected accounts, or Connect-MMAccount -Name with that name.");
    public static readonly ErrorId NotOnboarded = new(nameof(NotOnboarded), ErrorCategory.PermissionDenied,
        "Accept the Marketing Messages terms in the 360dialog Client Hub or WhatsApp Manager; Test-MMOnboarding says how.");
    public static readonly ErrorId ApiTimeout = new(nameof(ApiTimeout), ErrorCategory.OperationTimeout,
        "The API may still have accepted the request: check before sending to this recipient again.");
    public static readonly ErrorId ApiUnreachable = new(nameof(ApiUnreachable), ErrorCategory.ConnectionError,
        "Check the network path to the API (proxy, DNS, firewall) and -BaseUri.");
    /// <summary>A family: "ApiError" and the Graph error code (ApiError131050); the category follows the cause.</summary>
    public static readonly ErrorId ApiError = new("ApiError<code>", ErrorCategory.NotSpecified,
        "Read ErrorDetails.RecommendedAction: it carries the API's hint for that code.");
    /// <summary>A family: "ApiHttp" and the HTTP status, for a refusal without a Graph code (ApiHttp502).</summary>
    public static readonly ErrorId ApiHttp = new("ApiHttp<status>", ErrorCategory.NotSpecified,
        "Read the message for the API's answer; retry later if the status is 5xx.");

    // Paths
    /// <summary>A path parameter names no file-system path (Env:, Variable:, Function:, a drive that does not exist); the message names the parameter.</summary>
    public static readonly ErrorId NotAFileSystemPath = new(nameof(NotAFileSystemPath), ErrorCategory.InvalidArgument,
        "Give a path on the file system, e.g. ./events.jsonl or C:\\data\\events.jsonl; Env:, Variable:, Function: and registry drives hold no files.");

    // Sending: input checked before anything is sent (ids shared with Core's ValidationReason)
    public static readonly ErrorId MissingRecipient = Validation(ValidationReason.MissingRecipient, "Give the number in international format, e.g. +447911123456.");
    public static readonly ErrorId InvalidPhoneNumber = Validation(ValidationReason.InvalidPhoneNumber, "Write the number internationally with its country code (+44 7911 123456), or give -DefaultRegion for national numbers.");
    public static readonly ErrorId InvalidUserId = Validation(ValidationReason.InvalidUserId, "Give the business-scoped user ID exactly as WhatsApp sent it: two capital letters, a dot, then letters and digits, e.g. US.13491208655302741918.");
    public static readonly ErrorId InvalidDefaultRegion = Validation(ValidationReason.InvalidDefaultRegion, "Use a two-letter ISO 3166 region code such as GB, DE or US.");
    public static readonly ErrorId MissingTemplateName = Validation(ValidationReason.MissingTemplateName, "Give the name of an approved marketing template, e.g. -TemplateName spring_sale.");
    public static readonly ErrorId InvalidTemplateName = Validation(ValidationReason.InvalidTemplateName, "Template names are lower-case letters, digits and underscores, e.g. spring_sale.");
    public static readonly ErrorId InvalidLanguageCode = Validation(ValidationReason.InvalidLanguageCode, "Use the template's language code, e.g. en, en_US or pt_BR.");
    public static readonly ErrorId CallbackDataTooLong = Validation(ValidationReason.CallbackDataTooLong, "Keep -CallbackData to 512 characters, e.g. a campaign tag.");
    public static readonly ErrorId TimeToLiveOutOfRange = Validation(ValidationReason.TimeToLiveOutOfRange, "Give a -TimeToLive from 12 hours to 30 days.");
    public static readonly ErrorId TimeToLiveNotWholeSeconds = Validation(ValidationReason.TimeToLiveNotWholeSeconds, "Give -TimeToLive in whole seconds.");
    public static readonly ErrorId InvalidBodyParameter = Validation(ValidationReason.InvalidBodyParameter, "See Get-Help Send-MarketingMessage -Parameter BodyParameter for the accepted values.");
    public static readonly ErrorId InvalidHeaderParameter = Validation(ValidationReason.InvalidHeaderParameter, "See Get-Help Send-MarketingMessage -Parameter HeaderParameter for the accepted values.");
    public static readonly ErrorId InvalidButtonParameter = Validation(ValidationReason.InvalidButtonParameter, "See Get-Help Send-MarketingMessage -Parameter ButtonParameter for the accepted values.");
    public static readonly ErrorId InvalidComponent = Validation(ValidationReason.InvalidComponent, "Give a hashtable or a JSON object with a \"type\".");
    public static readonly ErrorId ConflictingBodyParameters = Validation(ValidationReason.ConflictingBodyParameters, "Give either -BodyParameter or -BodyParameterProperty, not both.");
    public static readonly ErrorId MissingColumn = Validation(ValidationReason.MissingColumn, "Check the CSV header against -BodyParameterProperty.");
    public static readonly ErrorId InvalidBidMultiplier = Validation(ValidationReason.InvalidBidMultiplier, "Give -BidMultiplier as a number above 0 and at most 10, with a dot before its decimals, e.g. 1.5.");

    // Sending: the pre-send template check
    public static readonly ErrorId TemplateNotFound = new(ValidationReason.TemplateNotFound, ErrorCategory.ObjectNotFound,
        "Check the name with Get-MMTemplate, or use -SkipTemplateCheck if this key cannot list templates.");
    public static readonly ErrorId TemplateLanguageNotFound = new(ValidationReason.TemplateLanguageNotFound, ErrorCategory.ObjectNotFound,
        "Give -LanguageCode one of the languages Get-MMTemplate lists for that template.");
    public static readonly ErrorId TemplateNotApproved = Validation(ValidationReason.TemplateNotApproved, "Wait for Meta's review, or pick an approved template.");
    public static readonly ErrorId TemplateNotMarketing = Validation(ValidationReason.TemplateNotMarketing, "Pick a MARKETING template, or send this one with -UseCloudApi.");
    public static readonly ErrorId BodyParameterCountMismatch = Validation(ValidationReason.BodyParameterCountMismatch, "Give exactly as many body values as the template has placeholders.");
    public static readonly ErrorId TemplateCheckFailed = new(CampaignReason.TemplateCheckFailed, ErrorCategory.ResourceUnavailable,
        "Use -SkipTemplateCheck if this key cannot list templates.");

    // Sending: the journal and the run
    public static readonly ErrorId JournalUnavailable = new(CampaignReason.JournalUnavailable, ErrorCategory.OpenError,
        "Give a -JournalPath in a folder you can write to, or free disk space (state in Azure Storage: make sure it answers), then run the same command again: what was journaled is skipped. Restore a damaged journal from a backup; a new -JournalPath would send again to everyone the old one recorded.");
    /// <summary>The journal has an unanswered request to this recipient: not resent without -RetryUnknown.</summary>
    public static readonly ErrorId SendInDoubt = new(CampaignReason.SendInDoubt, ErrorCategory.OperationStopped,
        "Check the status webhooks for this number, then rerun with -RetryUnknown if it never arrived.");
    public static readonly ErrorId SendStopped = new(CampaignReason.SendStopped, ErrorCategory.OperationStopped,
        "Run the same command again with the same -JournalPath: recipients already accepted are skipped.");
    /// <summary>Another run (this process or another, named in the message) holds the journal.</summary>
    public static readonly ErrorId JournalInUse = new(CampaignReason.JournalInUse, ErrorCategory.ResourceBusy,
        "Wait for that run to end, or stop it; two runs on one journal would message the same people twice. A killed run releases the journal by itself.");
    /// <summary>The journal belongs to another campaign (template, language, route or account).</summary>
    public static readonly ErrorId JournalMismatch = new(CampaignReason.JournalMismatch, ErrorCategory.InvalidArgument,
        "Give this campaign a -JournalPath of its own: one journal per template, language, route and account.");
    /// <summary>A worker of the send engine ended unexpectedly: a defect, reported instead of waiting forever.</summary>
    public static readonly ErrorId SendEngineFailed = new(CampaignReason.SendEngineFailed, ErrorCategory.NotSpecified,
        "Run the same command again with the journal: what was sent is skipped. Please report this with the error's details.");

    /// <summary>Send-MarketingMessage -TimeToLive, retired: time-to-live is set on the template (New-MMTemplate -TimeToLive).</summary>
    public static readonly ErrorId TimeToLiveOnTemplate = Validation(ValidationReason.TimeToLiveOnTemplate,
        "Set the time-to-live on the template: New-MMTemplate -TimeToLive. Leave -TimeToLive off Send-MarketingMessage.");

    // Sending: send windows (ids shared with Core's ValidationReason)
    public static readonly ErrorId InvalidSendWindow = Validation(ValidationReason.InvalidSendWindow, "Give the local opening and closing times as 'HH:mm-HH:mm', e.g. -SendWindow '09:00-20:00'.");
    public static readonly ErrorId InvalidTimeZone = Validation(ValidationReason.InvalidTimeZone, "Give an IANA time zone such as 'Europe/Berlin' (a Windows id on Windows PowerShell 5.1), together with -SendWindow.");
    public static readonly ErrorId SendWindowNeverOpen = Validation(ValidationReason.SendWindowNeverOpen, "Widen -SendWindow, or give -TimeZone for numbers that span many time zones.");
    public static readonly ErrorId TimeZoneUnknown = Validation(ValidationReason.TimeZoneUnknown, "Give -TimeZone: the number's local time cannot be told from the number.");

    // Templates and webhook settings
    public static readonly ErrorId InvalidTemplateDefinition = Validation(ValidationReason.InvalidTemplateDefinition, "Read the message: it names the part of the template to fix (header, body examples, buttons, TTL).");
    public static readonly ErrorId InvalidAnalyticsQuery = Validation(ValidationReason.InvalidAnalyticsQuery, "Give templates by -Name or -TemplateId, and a -Start before -End within the last 90 days.");
    public static readonly ErrorId InvalidMaxPrice = Validation(ValidationReason.InvalidMaxPrice, "Give -MaxPrice as the most to pay for one delivery, with the WABA's -Currency, e.g. -MaxPrice 0.05 -Currency USD.");
    public static readonly ErrorId InvalidWebhookUrl = new(nameof(InvalidWebhookUrl), ErrorCategory.InvalidArgument,
        "Give an https:// address.");

    // Webhook files, the funnel, signatures, the receiver
    public static readonly ErrorId InvalidWebhookJson = new(nameof(InvalidWebhookJson), ErrorCategory.InvalidData,
        "Fix or remove that line; the rest was read.");
    public static readonly ErrorId NotAWebhookDelivery = new(nameof(NotAWebhookDelivery), ErrorCategory.InvalidData,
        "Each line must be a delivery object with \"entry\"; the rest was read.");
    /// <summary>A stored delivery larger than -MaxDeliveryBytes: skipped, reading goes on.</summary>
    public static readonly ErrorId WebhookDeliveryTooLarge = new(nameof(WebhookDeliveryTooLarge), ErrorCategory.LimitsExceeded,
        "Raise -MaxDeliveryBytes if the delivery is genuine; the rest was read.");
    public static readonly ErrorId WebhookFileNotFound = new(nameof(WebhookFileNotFound), ErrorCategory.ObjectNotFound,
        "Check the path; -Path takes wildcards (logs/*.jsonl), -LiteralPath takes the name as written.");
    public static readonly ErrorId WebhookFileUnreadable = new(nameof(WebhookFileUnreadable), ErrorCategory.ReadError,
        "Check that the file can be read; the other files were read.");
    public static readonly ErrorId InvalidWebhookPayload = new(nameof(InvalidWebhookPayload), ErrorCategory.InvalidArgument,
        "Pass the raw body: a string, or [IO.File]::ReadAllBytes('body.json').");
    public static readonly ErrorId WebhookReceiverStartFailed = new(nameof(WebhookReceiverStartFailed), ErrorCategory.ResourceUnavailable,
        "Give -Path a file in an existing folder that can be written, and a free -Port (or none).");
    /// <summary>Another receiver (in this or another process) is writing the file; the message names it.</summary>
    public static readonly ErrorId WebhookFileInUse = new(nameof(WebhookFileInUse), ErrorCategory.ResourceBusy,
        "Stop the other receiver (named in the message), or give this one another -Path.");
    public static readonly ErrorId JournalNotFound = new(nameof(JournalNotFound), ErrorCategory.ObjectNotFound,
        "Give the file Send-MarketingMessage -JournalPath wrote.");
    public static readonly ErrorId JournalRequired = new(nameof(JournalRequired), ErrorCategory.InvalidArgument,
        "Add -JournalPath with the file Send-MarketingMessage -JournalPath wrote, or use -GroupBy CallbackData.");
    public static readonly ErrorId RateCardNotFound = new(nameof(RateCardNotFound), ErrorCategory.ObjectNotFound,
        "Give the path of a CSV with the columns Market, Category, Price and Currency.");
    /// <summary>A rate card without the Market, Category, Price, Currency columns, with a bad row, or in two currencies.</summary>
    public static readonly ErrorId InvalidRateCard = new(nameof(InvalidRateCard), ErrorCategory.InvalidData,
        "Fix the line the message names: columns Market, Category, Price, Currency; one currency per card.");
    /// <summary>Export-MMCampaignReport -OutFile names a file that exists, without -Force.</summary>
    public static readonly ErrorId ReportFileExists = new(nameof(ReportFileExists), ErrorCategory.ResourceExists,
        "Add -Force to replace the file, or give -OutFile another name.");
    /// <summary>The report could not be written: -OutFile is a folder, its folder is missing, or the file cannot be written.</summary>
    public static readonly ErrorId ReportWriteFailed = new(nameof(ReportWriteFailed), ErrorCategory.WriteError,
        "Give -OutFile a file name in an existing folder that you can write to.");

    // State in Azure Storage
    /// <summary>Connect-MMAccount's storage parameters name no store, two at once, or a container name Azure refuses.</summary>
    public static readonly ErrorId InvalidStorageSetting = new(nameof(InvalidStorageSetting), ErrorCategory.InvalidArgument,
        "Give -StorageConnectionString, or -StorageAccountUri with -StorageSasToken or -UseManagedIdentity; -StorageContainer is 3 to 63 lowercase letters, digits and hyphens.");
    /// <summary>Connect-MMAccount could not reach the storage container, or was refused.</summary>
    public static readonly ErrorId StorageUnavailable = new(nameof(StorageUnavailable), ErrorCategory.ResourceUnavailable,
        "Check the storage address, the network, and that the key, the SAS (read, add, create, write, list) or the identity (Storage Blob Data Contributor) may use the container.");
    /// <summary>A journal or list name that cannot name state kept in a storage container (a path, or a character outside letters, digits, '.', '-', '_').</summary>
    public static readonly ErrorId InvalidStateName = new(nameof(InvalidStateName), ErrorCategory.InvalidArgument,
        "Name it with letters, digits, '.', '-' and '_' (e.g. weekly-2026-49): an account that keeps its state in Azure Storage names journals and lists rather than placing them in folders.");

    // Opt-outs: the suppression list
    /// <summary>No suppression list is named, its folder is missing, or its file cannot be read or written.</summary>
    public static readonly ErrorId SuppressionListUnavailable = new(CampaignReason.SuppressionListUnavailable, ErrorCategory.ResourceUnavailable,
        "Give -Path (or Connect-MMAccount -SuppressionPath) a file in an existing folder that can be read and written.");
    /// <summary>Another writer held the suppression list for longer than the few seconds a batch waits.</summary>
    public static readonly ErrorId SuppressionListInUse = new(nameof(SuppressionListInUse), ErrorCategory.ResourceBusy,
        "Run the command again when the writer named in the message is done; its batches take milliseconds, so a long hold is a stuck process.");
    /// <summary>A line of the suppression list file is not a record (its number is in the message); the rest counts.</summary>
    public static readonly ErrorId InvalidSuppressionEntry = new(CampaignReason.InvalidSuppressionEntry, ErrorCategory.InvalidData,
        "Fix or delete that line: the rest of the list was read. A number on it may not be suppressed.");
    /// <summary>Get- or Remove-MMSuppression with a plain number that is not on the list.</summary>
    public static readonly ErrorId SuppressionNotFound = new(nameof(SuppressionNotFound), ErrorCategory.ObjectNotFound,
        "Check the number with Get-MMSuppression and a wildcard, e.g. '+44 7911*'.");

    // The emulator
    public static readonly ErrorId EmulatorStartFailed = new(nameof(EmulatorStartFailed), ErrorCategory.ResourceUnavailable,
        "Choose another -Port, or leave it out to take a free one.");
    public static readonly ErrorId InvalidFailRecipient = new(nameof(InvalidFailRecipient), ErrorCategory.InvalidArgument,
        "Write a number and an error code, e.g. @{ '+447700900123' = 131050 }.");
    public static readonly ErrorId InvalidEmulatorTemplate = new(nameof(InvalidEmulatorTemplate), ErrorCategory.InvalidArgument,
        "Give each template at least a Name, e.g. @{ Name='promo'; Language='en' }.");
    /// <summary>Start-MMEmulator -WebhookUrl is not an http(s) URL on this machine.</summary>
    public static readonly ErrorId InvalidEmulatorWebhookUrl = new(nameof(InvalidEmulatorWebhookUrl), ErrorCategory.InvalidArgument,
        "Give an http(s) URL on this machine, e.g. the Uri of Start-MMWebhookReceiver; the emulator posts nowhere else.");
    /// <summary>Start-MMEmulator -Currency is not an ISO 4217 currency code.</summary>
    public static readonly ErrorId InvalidEmulatorCurrency = new(nameof(InvalidEmulatorCurrency), ErrorCategory.InvalidArgument,
        "Give the WABA's currency as an ISO 4217 code, e.g. -Currency EUR.");
    /// <summary>A -Fault or -FaultRate entry of Start-MMEmulator names no known fault or gives a share outside 0 to 1.</summary>
    public static readonly ErrorId InvalidEmulatorFault = new(nameof(InvalidEmulatorFault), ErrorCategory.InvalidArgument,
        "Name a fault (0, 429, 500, 502, 503, 504, MalformedOk) and, in -FaultRate, a share from 0 to 1, e.g. @{ 502 = 0.05 }.");

    private static ErrorId Validation(string reason, string action) => new(reason, ErrorCategory.InvalidArgument, action);

    /// <summary>Every entry above, in declaration order (tests and documentation compare against this).</summary>
    public static IReadOnlyList<ErrorId> All { get; } = typeof(ErrorIds)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.FieldType == typeof(ErrorId))
        .Select(f => (ErrorId)f.GetValue(null)!)
        .ToList();

    private static readonly Dictionary<string, ErrorId> ById = All.ToDictionary(e => e.Id, StringComparer.Ordinal);

    /// <summary>The entry for a reason Core gives: a <see cref="ValidationReason"/> or a <see cref="CampaignReason"/>;
    /// every one of them has an entry (ErrorContractTests).</summary>
    internal static ErrorId ForReason(string reason) =>
        ById.TryGetValue(reason, out var id) ? id
            : throw new InvalidOperationException($"The reason '{reason}' has no entry in ErrorIds.");

    /// <summary>A member of the <see cref="ApiError"/> family: "ApiError131050".</summary>
    internal static string ForApiCode(int code) => "ApiError" + code.ToString(CultureInfo.InvariantCulture);

    /// <summary>A member of the <see cref="ApiHttp"/> family: "ApiHttp502".</summary>
    internal static string ForHttpStatus(int status) => "ApiHttp" + status.ToString(CultureInfo.InvariantCulture);
}
