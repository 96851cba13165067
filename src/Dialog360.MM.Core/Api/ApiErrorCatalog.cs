using System;
using System.Collections.Generic;

namespace Dialog360.MM.Core.Api;

/// <summary>
/// What the common Graph/WhatsApp error codes mean and what a person should do about them.
/// Codes and titles: Meta, "WhatsApp Cloud API error codes" (developers.facebook.com/documentation/business-messaging/
/// whatsapp/support/error-codes) and 360dialog's "expected errors" page for the MM route (see shared/reference/mm-api.md).
/// </summary>
public static class ApiErrorCatalog
{
    private static readonly Dictionary<int, (ApiErrorKind Kind, string Hint)> Codes = new()
    {
        [0] = (ApiErrorKind.Authentication, "The key could not be authenticated: check it, or create a new one in the 360dialog Client Hub."),
        [190] = (ApiErrorKind.Authentication, "The access token behind this key expired or was revoked: create a new API key in the 360dialog Client Hub."),
        [4] = (ApiErrorKind.RateLimit, "The app's API call limit was reached: slow down and retry later."),
        [80007] = (ApiErrorKind.RateLimit, "The WhatsApp Business Account's rate limit was reached: slow down and retry later."),
        [130429] = (ApiErrorKind.RateLimit, "The number's throughput limit was reached: lower -MessagesPerSecond, or ask 360dialog to raise the number's throughput."),
        [131056] = (ApiErrorKind.RateLimit, "Too many messages to this one recipient in a short time (pair rate limit): wait before sending to this number again."),
        [131048] = (ApiErrorKind.RateLimit, "Spam rate limit: too many recent messages were blocked or flagged; improve quality before sending more."),
        [100] = (ApiErrorKind.InvalidRequest, "A parameter of the request is wrong: read the details, fix the input and send again."),
        [131008] = (ApiErrorKind.InvalidRequest, "A required parameter is missing: read the details and add it."),
        [131009] = (ApiErrorKind.InvalidRequest, "A parameter value is invalid: read the details and correct it."),
        [131055] = (ApiErrorKind.Template, "The MM API sends marketing templates only: use a template of category MARKETING, or -UseCloudApi for others."),
        [132000] = (ApiErrorKind.Template, "The number of parameters does not match the template: give exactly as many body parameters as the template has placeholders."),
        [132001] = (ApiErrorKind.Template, "The template does not exist in that language: check the name and -LanguageCode against Get-MMTemplate."),
        [132005] = (ApiErrorKind.Template, "The template text with its parameters is too long: shorten the parameter values."),
        [132007] = (ApiErrorKind.Template, "The template text violates WhatsApp's formatting policy: change the parameter values."),
        [132012] = (ApiErrorKind.Template, "A parameter's format does not match what the template expects (text, currency, date, media)."),
        [132015] = (ApiErrorKind.Template, "The template is paused for low quality: edit it or wait until Meta unpauses it."),
        [132016] = (ApiErrorKind.Template, "The template was disabled for low quality: create a new template."),
        [131026] = (ApiErrorKind.Recipient, "The message could not be delivered to this number (not on WhatsApp, old app version, or terms not accepted): remove or verify the number."),
        [131049] = (ApiErrorKind.Recipient, "Meta held back this marketing message to keep engagement healthy (frequency cap): do not retry at once; try this recipient again in a day or more."),
        [131050] = (ApiErrorKind.Recipient, "The recipient has stopped marketing messages from your business: remove the number from marketing audiences."),
        [131047] = (ApiErrorKind.Recipient, "More than 24 hours passed since the recipient last replied: only a template can be sent."),
        [131021] = (ApiErrorKind.Recipient, "The recipient is the sending number itself: use another recipient."),
        [133010] = (ApiErrorKind.InvalidRequest, "The sending phone number is not registered with the Cloud API."),
        [131031] = (ApiErrorKind.InvalidRequest, "The business account is locked or disabled: contact 360dialog support."),
        [131042] = (ApiErrorKind.InvalidRequest, "There is a payment problem with the business account: check billing in the 360dialog Client Hub."),
        [368] = (ApiErrorKind.InvalidRequest, "The account is temporarily blocked for policy violations: check WhatsApp Manager."),
        [131000] = (ApiErrorKind.Server, "WhatsApp failed for an unknown reason: retry later."),
        [131016] = (ApiErrorKind.Server, "WhatsApp is temporarily unavailable: retry later."),
        [1] = (ApiErrorKind.Server, "Unknown API error: retry later."),
        [2] = (ApiErrorKind.Server, "The API service is temporarily unavailable: retry later."),
    };

    /// <summary>Marker of the not-onboarded answer: "(#200) You must accept the Marketing Messages Lite API terms …".</summary>
    internal const string TermsNotAcceptedMarker = "Marketing Messages Lite API terms";

    public static ApiErrorKind Classify(int httpStatus, int? code, string? message)
    {
        // The terms error is recognised by its text, whatever its code: Meta's Graph code is 200, but 360dialog's
        // expected-errors page for the MM route shows "(#200) You must accept the Marketing Messages Lite API terms to
        // use the API." with code 131055, which otherwise means "marketing templates only".
        if (message != null && message.IndexOf(TermsNotAcceptedMarker, StringComparison.OrdinalIgnoreCase) >= 0)
            return ApiErrorKind.NotOnboarded;
        if (httpStatus == 401) return ApiErrorKind.Authentication;
        if (code is int c && Codes.TryGetValue(c, out var known)) return known.Kind;
        if (httpStatus == 429) return ApiErrorKind.RateLimit;
        if (httpStatus >= 500) return ApiErrorKind.Server;
        if (httpStatus == 403) return ApiErrorKind.Authentication;
        return ApiErrorKind.Unknown;
    }

    public static string? HintFor(int? code, ApiErrorKind kind)
    {
        if (kind == ApiErrorKind.NotOnboarded)
            return "The business has not accepted the Marketing Messages terms: an admin of its Business Manager accepts them in the 360dialog Client Hub banner or in WhatsApp Manager (once per Business Manager).";
        if (code is int c && Codes.TryGetValue(c, out var known)) return known.Hint;
        return kind switch
        {
            ApiErrorKind.Authentication => "The API key was refused: check it, or run Connect-MMAccount with a valid key.",
            ApiErrorKind.RateLimit => "Rate limited: slow down and retry later.",
            ApiErrorKind.Server => "The API failed on its side: retry later.",
            _ => null,
        };
    }
}
