using System;
using System.Text;
using System.Text.Json;
using Dialog360.MM.Core.Messages;
using Dialog360.MM.Core.Templates;

namespace Dialog360.MM.Core.Tests.Templates;

public class TemplateDefinitionTests
{
    private static JsonElement Json(TemplateDefinition d) => JsonDocument.Parse(d.ToJsonUtf8()).RootElement;

    [Fact]
    public void Every_common_component_is_written_in_360dialogs_template_shape()
    {
        var d = new TemplateDefinition("spring_sale", "en_US", TemplateCategory.Marketing,
            bodyText: "Hi {{1}}, {{2}} off until Sunday.", bodyExamples: new[] { "Maria", "20%" },
            header: TemplateHeader.FromText("Our {{1}} is on!", "Spring Sale"), footerText: "Reply STOP to opt out",
            buttons: new[]
            {
                TemplateButtonDefinition.UrlButton("Shop now", "https://shop.example.com/{{1}}", "https://shop.example.com/spring"),
                TemplateButtonDefinition.QuickReply("Stop promotions"),
            },
            allowCategoryChange: true, timeToLive: TimeSpan.FromDays(2));

        var expected = "{\"name\":\"spring_sale\",\"category\":\"MARKETING\",\"language\":\"en_US\",\"allow_category_change\":true," +
            "\"message_send_ttl_seconds\":172800,\"components\":[" +
            "{\"type\":\"HEADER\",\"format\":\"TEXT\",\"text\":\"Our {{1}} is on!\",\"example\":{\"header_text\":[\"Spring Sale\"]}}," +
            "{\"type\":\"BODY\",\"text\":\"Hi {{1}}, {{2}} off until Sunday.\",\"example\":{\"body_text\":[[\"Maria\",\"20%\"]]}}," +
            "{\"type\":\"FOOTER\",\"text\":\"Reply STOP to opt out\"}," +
            "{\"type\":\"BUTTONS\",\"buttons\":[{\"type\":\"URL\",\"text\":\"Shop now\",\"url\":\"https://shop.example.com/{{1}}\",\"example\":[\"https://shop.example.com/spring\"]}," +
            "{\"type\":\"QUICK_REPLY\",\"text\":\"Stop promotions\"}]}]}";
        Assert.Equal(expected, Encoding.UTF8.GetString(d.ToJsonUtf8()));
    }

    [Fact]
    public void Without_TimeToLive_or_category_change_those_properties_are_left_out()
    {
        var root = Json(new TemplateDefinition("welcome", "en", TemplateCategory.Marketing, bodyText: "Welcome!"));
        Assert.False(root.TryGetProperty("message_send_ttl_seconds", out _));
        Assert.False(root.TryGetProperty("allow_category_change", out _));
        Assert.False(root.GetProperty("components")[0].TryGetProperty("example", out _));
    }

    [Fact]
    public void A_media_header_carries_its_sample_handle_and_a_location_header_none()
    {
        var image = Json(new TemplateDefinition("promo", "en", TemplateCategory.Marketing, "Look!", header: TemplateHeader.FromMedia("image", "4::aGFuZGxl")));
        var header = image.GetProperty("components")[0];
        Assert.Equal("IMAGE", header.GetProperty("format").GetString());
        Assert.Equal("4::aGFuZGxl", header.GetProperty("example").GetProperty("header_handle")[0].GetString());
        var location = Json(new TemplateDefinition("visit", "en", TemplateCategory.Marketing, "Visit us", header: TemplateHeader.Location()));
        Assert.False(location.GetProperty("components")[0].TryGetProperty("example", out _));
    }

    [Fact]
    public void Raw_components_are_written_as_given_and_may_bring_the_body()
    {
        var d = new TemplateDefinition("coupon", "en", TemplateCategory.Marketing,
            rawComponents: new[] { "{\"type\":\"BODY\",\"text\":\"Your code\"}", "{\"type\":\"BUTTONS\",\"buttons\":[{\"type\":\"COPY_CODE\",\"example\":\"SPRING10\"}]}" });
        var components = Json(d).GetProperty("components");
        Assert.Equal(2, components.GetArrayLength());
        Assert.Equal("COPY_CODE", components[1].GetProperty("buttons")[0].GetProperty("type").GetString());
    }

    [Theory]
    [InlineData("Hi {{1}} and {{2}}", 1, "BodyExample")]
    [InlineData("Hi", 1, "BodyExample")]
    public void Body_samples_must_match_the_placeholders(string body, int examples, string field)
    {
        var ex = Assert.Throws<MessageValidationException>(() =>
            new TemplateDefinition("t", "en", TemplateCategory.Marketing, body, new string[examples]));
        Assert.Equal(field, ex.Field);
        Assert.Equal("InvalidTemplateDefinition", ex.Reason);
    }

    [Fact]
    public void A_template_without_any_body_is_refused() =>
        Assert.Equal("Body", Assert.Throws<MessageValidationException>(() =>
            new TemplateDefinition("t", "en", TemplateCategory.Marketing, footerText: "x")).Field);

    [Fact]
    public void A_component_given_both_ways_is_refused() =>
        Assert.Equal("Component", Assert.Throws<MessageValidationException>(() =>
            new TemplateDefinition("t", "en", TemplateCategory.Marketing, "Hi", rawComponents: new[] { "{\"type\":\"body\",\"text\":\"Hi\"}" })).Field);

    [Theory]
    [InlineData(11 * 3600)]            // under 12 hours
    [InlineData(31 * 24 * 3600)]       // over 30 days
    public void TimeToLive_outside_the_MM_range_is_refused(int seconds)
    {
        var ex = Assert.Throws<MessageValidationException>(() =>
            new TemplateDefinition("t", "en", TemplateCategory.Marketing, "Hi", timeToLive: TimeSpan.FromSeconds(seconds)));
        Assert.Equal("TimeToLiveOutOfRange", ex.Reason);
    }

    [Theory]
    [InlineData(43_200)]
    [InlineData(2_592_000)]
    public void TimeToLive_at_the_ends_of_the_range_is_written_in_seconds(int seconds) =>
        Assert.Equal(seconds, Json(new TemplateDefinition("t", "en", TemplateCategory.Marketing, "Hi", timeToLive: TimeSpan.FromSeconds(seconds)))
            .GetProperty("message_send_ttl_seconds").GetInt32());

    [Fact]
    public void TimeToLive_is_for_marketing_templates_only() =>
        Assert.Equal("TimeToLive", Assert.Throws<MessageValidationException>(() =>
            new TemplateDefinition("t", "en", TemplateCategory.Utility, "Hi", timeToLive: TimeSpan.FromDays(1))).Field);

    [Theory]
    [InlineData("Shop", "shop.example.com", null)]                              // not absolute
    [InlineData("Shop", "https://shop.example.com/{{1}}/x", "https://a.b/c")]   // placeholder not at the end
    [InlineData("Shop", "https://shop.example.com/{{1}}", null)]                // placeholder without a sample
    [InlineData("A button text longer than 25", "https://shop.example.com", null)]
    public void Bad_url_buttons_are_refused(string text, string url, string? example) =>
        Assert.Throws<MessageValidationException>(() => TemplateButtonDefinition.UrlButton(text, url, example));

    [Fact]
    public void A_url_button_from_a_hashtable_reads_its_keys_in_any_case()
    {
        var b = TemplateButtonDefinition.UrlButtonFrom(new System.Collections.Hashtable { ["text"] = "Shop", ["URL"] = "https://s.example.com/{{1}}", ["Example"] = "https://s.example.com/a" }, 1);
        Assert.Equal(("URL", "https://s.example.com/{{1}}", "https://s.example.com/a"), (b.Type, b.Url, b.Example));
    }

    [Fact]
    public void A_text_header_placeholder_needs_a_sample() =>
        Assert.Equal("HeaderExample", Assert.Throws<MessageValidationException>(() => TemplateHeader.FromText("Our {{1}}")).Field);
}
