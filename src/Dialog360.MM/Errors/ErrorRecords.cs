using System;
using System.Management.Automation;
using Dialog360.MM.Core.Api;
using Dialog360.MM.Core.Campaigns;
using Dialog360.MM.Core.Messages;
using Dialog360.MM.Core.Webhooks;

namespace Dialog360.MM.Errors;

/// <summary>Builds ErrorRecords with a stable ErrorId, the category that fits the cause, and the object at fault.</summary>
internal static class ErrorRecords
{
    /// <summary>
    /// The record for one catalog entry: its id, category and recommended action, all from the catalog; what is
    /// particular to this case belongs in the exception's message. The ErrorId parameter type keeps ids out of strings
    /// built at the call site.
    /// </summary>
    public static ErrorRecord Create(ErrorId id, Exception exception, object? target)
    {
        if (id == ErrorIds.ApiError || id == ErrorIds.ApiHttp) throw new ArgumentException("A family id is written by FromApi only.", nameof(id));
        return new ErrorRecord(exception, id.Id, id.Category, target)
        {
            ErrorDetails = new ErrorDetails(exception.Message) { RecommendedAction = id.RecommendedAction },
        };
    }

    /// <summary>The record for an error Core reports with a reason (<see cref="CampaignReason"/>, <see cref="ValidationReason"/>).</summary>
    public static ErrorRecord ForReason(string reason, Exception exception, object? target) =>
        reason == CampaignReason.ApiRefused ? FromApiFailure(exception, target) : Create(ErrorIds.ForReason(reason), exception, target);

    public static ErrorRecord FromApi(ApiException ex, object? target)
    {
        ErrorId? fixedId = ex.Kind switch
        {
            ApiErrorKind.NotOnboarded => ErrorIds.NotOnboarded,
            ApiErrorKind.Authentication when ex.Code is null => ErrorIds.InvalidApiKey,
            _ => null,
        };
        // The two families (ApiError<code>, ApiHttp<status>) take their category from the cause.
        var id = fixedId?.Id ?? (ex.Code is int code ? ErrorIds.ForApiCode(code) : ErrorIds.ForHttpStatus(ex.HttpStatus));
        return new ErrorRecord(ex, id, fixedId?.Category ?? CategoryOf(ex), target)
        {
            ErrorDetails = new ErrorDetails(ex.Describe()) { RecommendedAction = ex.Hint ?? fixedId?.RecommendedAction },
        };
    }

    public static ErrorRecord FromTransport(ApiTransportException ex, object? target) =>
        Create(ex.IsTimeout ? ErrorIds.ApiTimeout : ErrorIds.ApiUnreachable, ex, target);

    /// <summary>For a call that failed with either of the API's exception types.</summary>
    public static ErrorRecord FromApiFailure(Exception ex, object? target) => ex switch
    {
        ApiException api => FromApi(api, target),
        ApiTransportException transport => FromTransport(transport, target),
        _ => throw new ArgumentException("Not an API failure.", nameof(ex), ex),
    };

    public static bool IsApiFailure(Exception ex) => ex is ApiException || ex is ApiTransportException;

    public static ErrorRecord FromValidation(MessageValidationException ex, object? target) =>
        Create(ErrorIds.ForReason(ex.Reason), ex, target);

    /// <summary>A delivery in a webhook file or string that could not be read; the rest of it was.</summary>
    public static ErrorRecord FromWebhookRead(WebhookReadError error, object target) => Create(error.Problem switch
    {
        WebhookReadProblem.NotADelivery => ErrorIds.NotAWebhookDelivery,
        WebhookReadProblem.TooLarge => ErrorIds.WebhookDeliveryTooLarge,
        _ => ErrorIds.InvalidWebhookJson,
    }, new FormatException(error.ToString()), target);

    public static ErrorCategory CategoryOf(ApiException ex) => ex.Kind switch
    {
        ApiErrorKind.Authentication => ErrorCategory.AuthenticationError,
        ApiErrorKind.RateLimit => ErrorCategory.LimitsExceeded,
        ApiErrorKind.InvalidRequest => ErrorCategory.InvalidArgument,
        ApiErrorKind.NotOnboarded => ErrorCategory.PermissionDenied,
        ApiErrorKind.Template => ex.Code == 132001 ? ErrorCategory.ObjectNotFound : ErrorCategory.InvalidData,
        ApiErrorKind.Recipient => ErrorCategory.InvalidOperation,
        ApiErrorKind.Server => ErrorCategory.ResourceUnavailable,
        ApiErrorKind.Redirect => ErrorCategory.InvalidArgument,
        _ => ErrorCategory.NotSpecified,
    };
}
