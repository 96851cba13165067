using System;
using System.Collections.Generic;

namespace Dialog360.MM.Core.Api;

/// <summary>
/// What the common Graph/WhatsApp error codes mean and what a person should do about them.
/// Codes and titles: Meta, "WhatsApp Cloud API error codes" (developers.facebook.com/documentation/business-messaging/
/// whatsapp/support/error-codes), 360dialog's "expected errors" page for the MM route, and Meta's MM Lite API support page
/// (developers.facebook.com/docs/whatsapp/marketing-messages-lite-api/support) for the MM-only codes 134100–134102, 131063
/// and 131064 (see docs/reference/mm-api.md, "More error codes for the MM route").
/// </summary>
public static class ApiErrorCatalog
{
    private static readonly Dictionary<int, ApiErrorInfo> Codes = new()
    {
        [0] = new(ApiErrorKind.Authentication, "The key could not be authenticated: check it, or create a new one in the 360dialog Client Hub."),
        [190] = new(ApiErrorKind.Authentication, "The access token behind this key expired or was revoked: create a new API key in the 360dialog Client Hub."),
        [4] = new(ApiErrorKind.RateLimit, "The app's API call limit was reached: slow down and retry later."),
        [80007] = new(ApiErrorKind.RateLimit, "The WhatsApp Business Account's rate limit was reached: slow down and retry later."),
        [130429] = new(ApiErrorKind.RateLimit, "The number's throughput limit was reached: lower -MessagesPerSecond, or ask 360dialog to raise the number's throughput."),
        [131056] = new(ApiErrorKind.RateLimit, "Too many messages to this one recipient in a short time (pair rate limit): wait before sending to this number again."),
        [131048] = new(ApiErrorKind.RateLimit, "Spam rate limit: too many recent messages were blocked or flagged; improve quality before sending more."),
        [100] = new(ApiErrorKind.InvalidRequest, "A parameter of the request is wrong (on the Marketing Messages route: the message must be a template message): read the details, fix the input and send again.", resend: Resend.NotInThisRun),
        [131008] = new(ApiErrorKind.InvalidRequest, "A required parameter is missing: read the details and add it."),
        [131009] = new(ApiErrorKind.InvalidRequest, "A parameter value is invalid: read the details and correct it."),
        [131055] = new(ApiErrorKind.Template, "The MM API sends marketing templates only: use a template of category MARKETING, or -UseCloudApi for others.", resend: Resend.NotInThisRun),
        [134100] = new(ApiErrorKind.Template, "The template is not a MARKETING template (Meta may have moved it to another category): check it with Get-MMTemplate -Force; send it with -UseCloudApi or create a marketing template.", resend: Resend.NotInThisRun),
        // Meta's MM Lite support page: the template-to-ads sync takes up to 10 minutes after onboarding, after a template is
        // created, or after 7 unused days; sending at once only fails again.
        [134101] = new(ApiErrorKind.Template, "The template is still being synced for the Marketing Messages API (new, edited or unused for 7 days): wait up to 10 minutes, then send again.", retryAfterMinutes: 10),
        // Arrives as HTTP 500, but it is not transient: a 5xx retry cannot help (docs/reference/mm-api.md).
        [134102] = new(ApiErrorKind.Template, "The template is unavailable for the Marketing Messages API, or the business is not eligible: check the template's status and the business's eligibility in WhatsApp Manager; do not retry.", resend: Resend.NotInThisRun),
        [131063] = new(ApiErrorKind.InvalidRequest, "Marketing messages are turned off on the Cloud API for this business: send through the Marketing Messages route (without -UseCloudApi).", resend: Resend.NotInThisRun),
        [131064] = new(ApiErrorKind.InvalidRequest, "Meta limited this business's marketing messages after templates were found in the wrong category: review the templates' categories in WhatsApp Manager; do not retry.", resend: Resend.NotInThisRun),
        [132000] = new(ApiErrorKind.Template, "The number of parameters does not match the template: give exactly as many body parameters as the template has placeholders."),
        [132001] = new(ApiErrorKind.Template, "The template does not exist in that language: check the name and -LanguageCode against Get-MMTemplate."),
        [132005] = new(ApiErrorKind.Template, "The template text with its parameters is too long: shorten the parameter values."),
        [132007] = new(ApiErrorKind.Template, "The template text violates WhatsApp's formatting policy: change the parameter values."),
        [132012] = new(ApiErrorKind.Template, "A parameter's format does not match what the template expects (text, currency, date, media)."),
        [132015] = new(ApiErrorKind.Template, "The template is paused for low quality (a send answered held_for_quality_assessment can lead here): stop the campaign, edit the template or wait until Meta unpauses it.", resend: Resend.NotInThisRun),
        [132016] = new(ApiErrorKind.Template, "The template was disabled for low quality: create a new template."),
        [131026] = new(ApiErrorKind.Recipient, "The message could not be delivered to this number (not on WhatsApp, old app version, or terms not accepted): remove or verify the number."),
        [131049] = new(ApiErrorKind.Recipient, "Meta held back this marketing message to keep engagement healthy (frequency cap: a per-person marketing limit): do not retry now; try this recipient again after at least 24 hours (Meta counts excessive retries against the business).", resend: Resend.NotInThisRun, retryAfterMinutes: 24 * 60),
        [131050] = new(ApiErrorKind.Recipient, "The recipient has stopped marketing messages from your business: remove the number from marketing audiences; never resend.", resend: Resend.NeverForThisRecipient, optsOut: true),
        [131047] = new(ApiErrorKind.Recipient, "More than 24 hours passed since the recipient last replied: only a template can be sent."),
        // Meta, "Business-scoped user IDs": a BSUID recipient is not supported for this message (authentication
        // templates with one-tap, zero-tap or copy-code buttons). The same message to the person's number can go.
        [131062] = new(ApiErrorKind.Recipient, "This template cannot be sent to a business-scoped user ID (authentication templates with one-tap, zero-tap or copy-code buttons): send it to the person's phone number (the To column), or use another template.", resend: Resend.NotInThisRun),
        [131021] = new(ApiErrorKind.Recipient, "The recipient is the sending number itself: use another recipient.", resend: Resend.NeverForThisRecipient),
        // Meta and 360dialog, "Max price for marketing messages": a template with a max price goes through the Marketing
        // Messages API only; Cloud API (/messages) refuses it (docs/reference/mm-api.md, "Max price …").
        [131061] = new(ApiErrorKind.Template, "This template has a max price, which only the Marketing Messages API honours: send it without -UseCloudApi, or use a template without a max price on Cloud API.", resend: Resend.NotInThisRun, everyRecipient: true),
        [133010] = new(ApiErrorKind.InvalidRequest, "The sending phone number is not registered with the Cloud API."),
        [131031] = new(ApiErrorKind.InvalidRequest, "The business account is locked or disabled: contact 360dialog support."),
        [131042] = new(ApiErrorKind.InvalidRequest, "There is a payment problem with the business account: check billing in the 360dialog Client Hub."),
        [368] = new(ApiErrorKind.InvalidRequest, "The account is temporarily blocked for policy violations: check WhatsApp Manager."),
        [131000] = new(ApiErrorKind.Server, "WhatsApp failed for an unknown reason: retry later."),
        [131016] = new(ApiErrorKind.Server, "WhatsApp is temporarily unavailable: retry later."),
        [1] = new(ApiErrorKind.Server, "Unknown API error: retry later."),
        [2] = new(ApiErrorKind.Server, "The API service is temporarily unavailable: retry later."),
    };

    /// <summary>Marker of the not-onboarded answer: "(#200) You must accept the Marketing Messages Lite API terms …".</summary>
    internal const string TermsNotAcceptedMarker = "Marketing Messages Lite API terms";

    // Meta's max-price page (docs/reference/mm-api.md): while the business has not signed the beta's testing legal
    // agreement, max price is refused with code 100 and a message that asks for it. Told from other 100s by its text.
    private const string MaxPriceAgreementMarker = "legal agreement";
    private static readonly ApiErrorInfo MaxPriceAgreement = new(ApiErrorKind.InvalidRequest,
        "Max price is in beta: the business must sign Meta's testing legal agreement for it first (ask 360dialog support, or accept it where WhatsApp Manager offers it), then create and send max-price templates again.",
        resend: Resend.NotInThisRun, everyRecipient: true);

    public static ApiErrorKind Classify(int httpStatus, int? code, string? message)
    {
        // The terms error is recognised by its text, whatever its code: Meta's Graph code is 200, but 360dialog's
        // expected-errors page for the MM route shows "(#200) You must accept the Marketing Messages Lite API terms to
        // use the API." with code 131055, which otherwise means "marketing templates only".
        if (message != null && message.IndexOf(TermsNotAcceptedMarker, StringComparison.OrdinalIgnoreCase) >= 0)
            return ApiErrorKind.NotOnboarded;
        if (httpStatus is >= 300 and <= 399) return ApiErrorKind.Redirect;
        if (httpStatus == 401) return ApiErrorKind.Authentication;
        if (code is int c && Codes.TryGetValue(c, out var known)) return known.Kind;
        if (httpStatus == 429) return ApiErrorKind.RateLimit;
        if (httpStatus >= 500) return ApiErrorKind.Server;
        if (httpStatus == 403) return ApiErrorKind.Authentication;
        return ApiErrorKind.Unknown;
    }

    /// <summary>What the catalog knows about a code: kind, hint and whether (and when) a resend can help.</summary>
    public static ApiErrorInfo? Lookup(int? code) => code is int c && Codes.TryGetValue(c, out var info) ? info : null;

    /// <summary>The same for an answer, whose text tells apart the meanings a code has (100: max price's agreement, or any bad parameter).</summary>
    public static ApiErrorInfo? Lookup(int? code, string? message, string? details) =>
        code == 100 && (Mentions(message, MaxPriceAgreementMarker) || Mentions(details, MaxPriceAgreementMarker)) ? MaxPriceAgreement : Lookup(code);

    private static bool Mentions(string? text, string marker) => text != null && text.IndexOf(marker, StringComparison.OrdinalIgnoreCase) >= 0;

    /// <summary>The same for a code as a journal or a result keeps it ("131050"); null for anything else ("Timeout").</summary>
    public static ApiErrorInfo? Lookup(string? code) =>
        int.TryParse(code, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var c) ? Lookup(c) : null;

    public static string? HintFor(int? code, ApiErrorKind kind, string? message = null, string? details = null)
    {
        if (kind == ApiErrorKind.NotOnboarded)
            return "The business has not accepted the Marketing Messages terms: an admin of its Business Manager accepts them in the 360dialog Client Hub banner or in WhatsApp Manager (once per Business Manager).";
        if (Lookup(code, message, details) is { } known) return known.Hint;
        return kind switch
        {
            ApiErrorKind.Authentication => "The API key was refused: check it, or run Connect-MMAccount with a valid key.",
            ApiErrorKind.RateLimit => "Rate limited: slow down and retry later.",
            ApiErrorKind.Server => "The API failed on its side: retry later.",
            ApiErrorKind.Redirect => "The API answered with a redirect to another address: check -BaseUri (e.g. https://waba-v2.360dialog.io). The module does not follow redirects, so the key never leaves for another host; the message was not sent.",
            _ => null,
        };
    }
}

/// <summary>Whether sending the same message again can help, as far as the code tells.</summary>
public enum Resend
{
    /// <summary>The code says nothing against it: the retry policy decides by the kind of failure.</summary>
    Allowed,
    /// <summary>Not within this run (134102 even though it comes as HTTP 500; 131049, for a day): a later run may.</summary>
    NotInThisRun,
    /// <summary>Never to this recipient (131050: they stopped marketing; 131021: it is the sending number): a rerun
    /// skips them unless told otherwise (-RetryFailed).</summary>
    NeverForThisRecipient,
}

/// <summary>
/// One catalogued code, the one place for what it means to a run: its kind and hint, whether a resend can help
/// (<see cref="Resend"/>), how long to wait before one (<see cref="RetryAfterMinutes"/>: 134101, 10 minutes for the
/// template sync; 131049, a day, for a later run), and whether it tells that the person stopped marketing messages
/// (<see cref="OptsOut"/>: the suppression list learns it), and whether every recipient of the run would get it alike
/// (<see cref="EveryRecipient"/>: the run stops at the first).
/// </summary>
public sealed class ApiErrorInfo
{
    public ApiErrorInfo(ApiErrorKind kind, string hint, Resend resend = Resend.Allowed, int? retryAfterMinutes = null, bool optsOut = false,
        bool everyRecipient = false)
    {
        Kind = kind;
        Hint = hint;
        Resend = resend;
        RetryAfterMinutes = retryAfterMinutes;
        OptsOut = optsOut;
        EveryRecipient = everyRecipient;
    }

    public ApiErrorKind Kind { get; }
    public string Hint { get; }
    public Resend Resend { get; }
    /// <summary>Resending the same request cannot succeed in this run, whatever the HTTP status.</summary>
    public bool NeverRetry => Resend != Resend.Allowed;
    /// <summary>A later run skips the recipient too.</summary>
    public bool PermanentForRecipient => Resend == Resend.NeverForThisRecipient;
    public int? RetryAfterMinutes { get; }
    public bool OptsOut { get; }
    /// <summary>The refusal is about the template or the business, not the recipient (131061, max price's agreement): every send of the run would get it.</summary>
    public bool EveryRecipient { get; }
}
