using System;
using System.Collections.Generic;
using System.Globalization;
using System.Threading;
using System.Threading.Tasks;
using Dialog360.MM.Core.Api;
using Dialog360.MM.Core.Messages;
using Dialog360.MM.Emulator;

namespace Dialog360.MM.Core.Tests.Api;

/// <summary>
/// The codes the MM route answers with (Meta's error-code page and MM Lite support page; 360dialog's expected-errors page
/// for marketing messages): each body has 360dialog's shape for this route, Meta's Graph error object wrapped in
/// {"detail":{"error":…}} (docs/reference/mm-api.md, "Errors"), with Meta's title as message and its details.
/// </summary>
public class MarketingErrorCodeTests
{
    private static ApiException Parse(int httpStatus, int code, string title, string details) =>
        ApiErrorParser.Parse(httpStatus, string.Format(CultureInfo.InvariantCulture,
            "{{\"detail\":{{\"error\":{{\"message\":\"(#{0}) {1}\",\"type\":\"OAuthException\",\"code\":{0},\"error_data\":{{\"messaging_product\":\"whatsapp\",\"details\":\"{2}\"}},\"fbtrace_id\":\"AbC123xYz\"}}}}}}",
            code, title, details));

    [Theory]
    //           HTTP  code    Meta's title                                   details                                                                        kind                         never  minutes  hint says
    [InlineData(400, 100, "Invalid parameter", "Message must be a template message", ApiErrorKind.InvalidRequest, true, null, "template message")]
    [InlineData(400, 131055, "Method not allowed", "Only marketing templates are supported on this endpoint", ApiErrorKind.Template, true, null, "MARKETING")]
    [InlineData(400, 134100, "Not a marketing template", "Template is not a marketing template", ApiErrorKind.Template, true, null, "MARKETING")]
    [InlineData(400, 134101, "Template sync in progress", "Template sync is not yet complete, please retry in up to 10 minutes", ApiErrorKind.Template, false, 10, "10 minutes")]
    [InlineData(500, 134102, "Template unavailable", "The template is unavailable or the business is not eligible", ApiErrorKind.Template, true, null, "do not retry")]
    [InlineData(400, 131063, "Marketing messages disabled", "Marketing messages are disabled on Cloud API for this WABA", ApiErrorKind.InvalidRequest, true, null, "Marketing Messages route")]
    [InlineData(400, 131064, "Messaging limit", "Marketing messages are limited after template classification violations", ApiErrorKind.InvalidRequest, true, null, "category")]
    [InlineData(400, 132015, "Template is Paused", "Template is paused due to low quality", ApiErrorKind.Template, true, null, "paused")]
    [InlineData(400, 131049, "This message was not delivered to maintain healthy ecosystem engagement", "In order to maintain a healthy ecosystem engagement, the message failed to be delivered", ApiErrorKind.Recipient, true, 1440, "24 hours")]
    [InlineData(400, 131050, "Unable to deliver the message", "The user has stopped marketing messages", ApiErrorKind.Recipient, true, null, "never resend")]
    [InlineData(400, 131061, "Max price template not supported", "Templates with a max price cannot be sent through Cloud API", ApiErrorKind.Template, true, null, "without -UseCloudApi")]
    [InlineData(400, 100, "Invalid parameter", "Please sign the testing legal agreement to use max price", ApiErrorKind.InvalidRequest, true, null, "legal agreement")]
    public void Each_MM_error_code_has_its_kind_hint_and_retry_advice(int httpStatus, int code, string title, string details,
        ApiErrorKind kind, bool neverRetry, int? retryAfterMinutes, string hint)
    {
        var ex = Parse(httpStatus, code, title, details);
        Assert.Equal(code, ex.Code);
        Assert.Equal(httpStatus, ex.HttpStatus);
        Assert.Equal(details, ex.Details);
        Assert.Equal(kind, ex.Kind);
        Assert.Equal(neverRetry, ex.NeverRetry);
        Assert.Equal(retryAfterMinutes, ex.RetryAfterMinutes);
        Assert.Contains(hint, ex.Hint);
    }

    [Fact]
    public void Code_100_about_the_max_price_agreement_gets_its_own_hint_and_any_other_code_100_the_general_one()
    {
        var agreement = ApiErrorParser.Parse(400, "{\"error\":{\"message\":\"(#100) You must sign the testing legal agreement before using this feature\",\"code\":100}}");
        Assert.Contains("Max price is in beta", agreement.Hint);
        var other = Parse(400, 100, "Invalid parameter", "Message must be a template message");
        Assert.DoesNotContain("Max price", other.Hint);
        Assert.Contains("template message", other.Hint);
    }

    [Fact]
    public void The_terms_answer_is_not_onboarded_and_carries_no_catalog_retry_advice_of_131055()
    {
        var ex = Parse(400, 131055, "You must accept the Marketing Messages Lite API terms to use the API.", "x");
        Assert.Equal(ApiErrorKind.NotOnboarded, ex.Kind);
        Assert.False(ex.NeverRetry);
    }

    [Fact]
    public void A_transient_server_error_is_not_marked_never_retry()
    {
        var ex = Parse(500, 131000, "Something went wrong", "x");
        Assert.False(ex.NeverRetry);
        Assert.Null(ex.RetryAfterMinutes);
    }

    [Theory]
    [InlineData(100, 400, true, null)]
    [InlineData(131055, 400, true, null)]
    [InlineData(134100, 400, true, null)]
    [InlineData(134101, 400, false, 10)]
    [InlineData(134102, 500, true, null)]
    [InlineData(131063, 400, true, null)]
    [InlineData(131064, 400, true, null)]
    [InlineData(132015, 400, true, null)]
    [InlineData(131049, 400, true, 1440)]
    [InlineData(131050, 400, true, null)]
    public async Task Each_MM_error_code_from_the_emulator_reaches_the_caller_with_its_retry_advice(int code, int httpStatus, bool neverRetry, int? retryAfterMinutes)
    {
        using var emulator = new MarketingApiEmulator(new EmulatorOptions { FailRecipients = new Dictionary<string, int> { ["447911123456"] = code } });
        emulator.Start();
        using var client = new ApiClient(emulator.BaseUri, ApiKey.FromPlainText(emulator.ApiKey), new ApiClientOptions { RequestTimeout = TimeSpan.FromSeconds(10) });
        var ex = await Assert.ThrowsAsync<ApiException>(() =>
            client.SendTemplateAsync(new TemplateMessage("447911123456", "welcome_offer"), SendRoute.MarketingMessages, CancellationToken.None));
        Assert.Equal((code, httpStatus, neverRetry, retryAfterMinutes), (ex.Code, ex.HttpStatus, ex.NeverRetry, ex.RetryAfterMinutes));
        Assert.NotNull(ex.Hint);
    }
}
