using System;
using System.Management.Automation;
using Dialog360.MM.Core.Api;
using Dialog360.MM.Core.Messages;
using Dialog360.MM.Core.Webhooks;

namespace Dialog360.MM.Errors;

/// <summary>Builds ErrorRecords with a stable ErrorId, the category that fits the cause, and the object at fault.</summary>
internal static class ErrorRecords
{
    public static ErrorRecord Create(Exception exception, string errorId, ErrorCategory category, object? target,
        string? recommendedAction = null)
    {
        var record = new ErrorRecord(exception, errorId, category, target);
        if (recommendedAction != null) record.ErrorDetails = new ErrorDetails(exception.Message) { RecommendedAction = recommendedAction };
        return record;
    }

    public static ErrorRecord FromApi(ApiException ex, object? target)
    {
        var id = ex.Kind switch
        {
            ApiErrorKind.NotOnboarded => ErrorIds.NotOnboarded,
            ApiErrorKind.Authentication when ex.Code is null => ErrorIds.InvalidApiKey,
            _ when ex.Code is int code => ErrorIds.ForApiCode(code),
            _ => ErrorIds.ForHttpStatus(ex.HttpStatus),
        };
        var record = new ErrorRecord(ex, id, CategoryOf(ex), target)
        {
            ErrorDetails = new ErrorDetails(ex.Describe()) { RecommendedAction = ex.Hint },
        };
        return record;
    }

    public static ErrorRecord FromTransport(ApiTransportException ex, object? target) =>
        Create(ex, ex.IsTimeout ? ErrorIds.ApiTimeout : ErrorIds.ApiUnreachable,
            ex.IsTimeout ? ErrorCategory.OperationTimeout : ErrorCategory.ConnectionError, target,
            ex.IsTimeout ? "The API may still have accepted the request: check before sending to this recipient again."
                         : "Check the network path to the API (proxy, DNS, firewall) and -BaseUri.");

    /// <summary>For a call that failed with either of the API's exception types.</summary>
    public static ErrorRecord FromApiFailure(Exception ex, object? target) => ex switch
    {
        ApiException api => FromApi(api, target),
        ApiTransportException transport => FromTransport(transport, target),
        _ => throw new ArgumentException("Not an API failure.", nameof(ex), ex),
    };

    public static bool IsApiFailure(Exception ex) => ex is ApiException || ex is ApiTransportException;

    public static ErrorRecord FromValidation(MessageValidationException ex, object? target) =>
        Create(ex, ex.Reason, ErrorCategory.InvalidArgument, target);

    /// <summary>A delivery in a webhook file or string that could not be read; the rest of it was.</summary>
    public static ErrorRecord FromWebhookRead(WebhookReadError error, object target) => error.Problem switch
    {
        WebhookReadProblem.NotADelivery => Create(new FormatException(error.ToString()), ErrorIds.NotAWebhookDelivery,
            ErrorCategory.InvalidData, target, "Each line must be a delivery object with \"entry\"; the rest was read."),
        WebhookReadProblem.TooLarge => Create(new FormatException(error.ToString()), ErrorIds.WebhookDeliveryTooLarge,
            ErrorCategory.LimitsExceeded, target, "Raise -MaxDeliveryBytes if the delivery is genuine; the rest was read."),
        _ => Create(new FormatException(error.ToString()), ErrorIds.InvalidWebhookJson,
            ErrorCategory.InvalidData, target, "Fix or remove that line; the rest was read."),
    };

    public static ErrorCategory CategoryOf(ApiException ex) => ex.Kind switch
    {
        ApiErrorKind.Authentication => ErrorCategory.AuthenticationError,
        ApiErrorKind.RateLimit => ErrorCategory.LimitsExceeded,
        ApiErrorKind.InvalidRequest => ErrorCategory.InvalidArgument,
        ApiErrorKind.NotOnboarded => ErrorCategory.PermissionDenied,
        ApiErrorKind.Template => ex.Code == 132001 ? ErrorCategory.ObjectNotFound : ErrorCategory.InvalidData,
        ApiErrorKind.Recipient => ErrorCategory.InvalidOperation,
        ApiErrorKind.Server => ErrorCategory.ResourceUnavailable,
        _ => ErrorCategory.NotSpecified,
    };
}
