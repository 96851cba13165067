using System;
using Dialog360.MM.Core.Api;

namespace Dialog360.MM.Core.Tests.Api;

public class ApiErrorParserTests
{
    [Fact]
    public void Meta_shape_gives_code_type_details_and_trace()
    {
        var ex = ApiErrorParser.Parse(400,
            "{\"error\":{\"message\":\"(#131049) This message was not delivered to maintain healthy ecosystem engagement.\",\"type\":\"OAuthException\",\"code\":131049,\"error_data\":{\"messaging_product\":\"whatsapp\",\"details\":\"In order to maintain a healthy ecosystem engagement, the message failed to be delivered.\"},\"fbtrace_id\":\"Az8or2yhqkZfEZ-_4Qn_Bam\"}}");
        Assert.Equal(131049, ex.Code);
        Assert.Equal("OAuthException", ex.Type);
        Assert.StartsWith("In order to maintain", ex.Details);
        Assert.Equal("Az8or2yhqkZfEZ-_4Qn_Bam", ex.TraceId);
        Assert.Equal(ApiErrorKind.Recipient, ex.Kind);
        Assert.Contains("frequency cap", ex.Hint);
    }

    [Fact]
    public void Dialog360_wrapped_shape_is_unwrapped()
    {
        var ex = ApiErrorParser.Parse(400,
            "{\"detail\":{\"error\":{\"message\":\"(#131055) Method not allowed\",\"type\":\"OAuthException\",\"code\":131055,\"fbtrace_id\":\"x\"}}}");
        Assert.Equal(131055, ex.Code);
        Assert.Equal(ApiErrorKind.Template, ex.Kind);
    }

    [Fact]
    public void Bare_string_401_is_an_authentication_error_without_a_code()
    {
        var ex = ApiErrorParser.Parse(401, "{\"error\":\"Invalid api token.\"}");
        Assert.Null(ex.Code);
        Assert.Equal("Invalid api token.", ex.Message);
        Assert.Equal(ApiErrorKind.Authentication, ex.Kind);
    }

    [Fact]
    public void Terms_not_accepted_is_recognised_as_not_onboarded()
    {
        var ex = ApiErrorParser.Parse(403,
            "{\"detail\":{\"error\":{\"message\":\"(#200) You must accept the Marketing Messages Lite API terms before sending messages using this API\",\"type\":\"OAuthException\",\"code\":200}}}");
        Assert.Equal(ApiErrorKind.NotOnboarded, ex.Kind);
        Assert.Contains("Business Manager", ex.Hint);
    }

    [Fact]
    public void Terms_not_accepted_with_360dialogs_code_131055_is_not_onboarded_not_a_template_error()
    {
        var ex = ApiErrorParser.Parse(400,
            "{\"detail\":{\"error\":{\"message\":\"(#200) You must accept the Marketing Messages Lite API terms to use the API.\",\"type\":\"OAuthException\",\"code\":131055}}}");
        Assert.Equal(131055, ex.Code);
        Assert.Equal(ApiErrorKind.NotOnboarded, ex.Kind);
        Assert.Contains("Business Manager", ex.Hint);
        Assert.DoesNotContain("UseCloudApi", ex.Hint);
    }

    [Fact]
    public void Code_131055_without_the_terms_text_stays_a_template_error() =>
        Assert.Equal(ApiErrorKind.Template, ApiErrorParser.Parse(400, "{\"error\":{\"message\":\"(#131055) Method not allowed\",\"code\":131055}}").Kind);

    [Theory]
    [InlineData(429, 130429, ApiErrorKind.RateLimit)]
    [InlineData(400, 131056, ApiErrorKind.RateLimit)]
    [InlineData(400, 131050, ApiErrorKind.Recipient)]
    [InlineData(400, 132001, ApiErrorKind.Template)]
    [InlineData(400, 132000, ApiErrorKind.Template)]
    [InlineData(400, 100, ApiErrorKind.InvalidRequest)]
    [InlineData(401, 190, ApiErrorKind.Authentication)]
    [InlineData(503, 131016, ApiErrorKind.Server)]
    public void Codes_are_classified(int status, int code, ApiErrorKind kind) =>
        Assert.Equal(kind, ApiErrorParser.Parse(status, $"{{\"error\":{{\"message\":\"m\",\"code\":{code}}}}}").Kind);

    [Fact]
    public void Codes_sent_as_strings_are_read()
    {
        Assert.Equal(131056, ApiErrorParser.Parse(429, "{\"error\":{\"message\":\"m\",\"code\":\"131056\"}}").Code);
    }

    [Theory]
    [InlineData(502, "<html>Bad gateway</html>", ApiErrorKind.Server)]
    [InlineData(500, "", ApiErrorKind.Server)]
    [InlineData(429, "", ApiErrorKind.RateLimit)]
    public void Non_JSON_answers_keep_the_status_and_a_short_body(int status, string body, ApiErrorKind kind)
    {
        var ex = ApiErrorParser.Parse(status, body, TimeSpan.FromSeconds(3));
        Assert.Equal(kind, ex.Kind);
        Assert.Equal(status, ex.HttpStatus);
        Assert.Equal(TimeSpan.FromSeconds(3), ex.RetryAfter);
        if (body.Length > 0) Assert.Contains("Bad gateway", ex.Message);
    }
}
