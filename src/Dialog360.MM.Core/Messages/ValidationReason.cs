namespace Dialog360.MM.Core.Messages;

/// <summary>
/// The causes a <see cref="MessageValidationException"/> can name. Each is also a public ErrorId: the module's
/// catalog (Dialog360.MM/Errors/ErrorIds.cs) gives it a category and an action, and a test checks that every
/// constant here has an entry there and a line in the documentation.
/// </summary>
public static class ValidationReason
{
    public const string MissingRecipient = nameof(MissingRecipient);
    public const string InvalidPhoneNumber = nameof(InvalidPhoneNumber);
    public const string InvalidUserId = nameof(InvalidUserId);
    public const string InvalidDefaultRegion = nameof(InvalidDefaultRegion);
    public const string MissingTemplateName = nameof(MissingTemplateName);
    public const string InvalidTemplateName = nameof(InvalidTemplateName);
    public const string InvalidLanguageCode = nameof(InvalidLanguageCode);
    public const string CallbackDataTooLong = nameof(CallbackDataTooLong);
    public const string TimeToLiveOutOfRange = nameof(TimeToLiveOutOfRange);
    public const string TimeToLiveNotWholeSeconds = nameof(TimeToLiveNotWholeSeconds);
    public const string TimeToLiveOnTemplate = nameof(TimeToLiveOnTemplate);
    public const string InvalidBodyParameter = nameof(InvalidBodyParameter);
    public const string InvalidHeaderParameter = nameof(InvalidHeaderParameter);
    public const string InvalidButtonParameter = nameof(InvalidButtonParameter);
    public const string InvalidComponent = nameof(InvalidComponent);
    public const string ConflictingBodyParameters = nameof(ConflictingBodyParameters);
    public const string MissingColumn = nameof(MissingColumn);
    public const string TemplateNotFound = nameof(TemplateNotFound);
    public const string TemplateLanguageNotFound = nameof(TemplateLanguageNotFound);
    public const string TemplateNotApproved = nameof(TemplateNotApproved);
    public const string TemplateNotMarketing = nameof(TemplateNotMarketing);
    public const string BodyParameterCountMismatch = nameof(BodyParameterCountMismatch);
    public const string InvalidTemplateDefinition = nameof(InvalidTemplateDefinition);
    public const string InvalidMaxPrice = nameof(InvalidMaxPrice);
    public const string InvalidBidMultiplier = nameof(InvalidBidMultiplier);
    public const string InvalidAnalyticsQuery = nameof(InvalidAnalyticsQuery);
    public const string InvalidSendWindow = nameof(InvalidSendWindow);
    public const string InvalidTimeZone = nameof(InvalidTimeZone);
    public const string SendWindowNeverOpen = nameof(SendWindowNeverOpen);
    public const string TimeZoneUnknown = nameof(TimeZoneUnknown);
}
