using System.Linq;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Dialog360.MM.Core.Api;
using Dialog360.MM.Emulator;
using Dialog360.MM.Core.Messages;
using Dialog360.MM.Core.Templates;

namespace Dialog360.MM.Core.Tests.Templates;

public class MMTemplateTests
{
    [Fact]
    public void A_listed_template_is_read_with_header_body_buttons_and_placeholders()
    {
        // The shape of one entry of 360dialog's "waba_templates" (docs/reference/mm-api.md).
        using var doc = JsonDocument.Parse("""
            {"id":"594425479261596","name":"black_friday","language":"en_US","category":"MARKETING","status":"APPROVED",
             "namespace":"ns","rejected_reason":"NONE","components":[
               {"type":"HEADER","format":"IMAGE"},
               {"type":"BODY","text":"Hi {{1}}, {{2}} off today. See you, {{1}}!"},
               {"type":"FOOTER","text":"Reply STOP to opt out"},
               {"type":"BUTTONS","buttons":[{"type":"URL","text":"Shop now","url":"https://x/{{1}}"},{"type":"QUICK_REPLY","text":"Stop promos"}]}]}
            """);
        var t = MMTemplate.Parse(doc.RootElement);
        Assert.Equal("black_friday", t.Name);
        Assert.Equal("en_US", t.LanguageCode);
        Assert.Equal("MARKETING", t.Category);
        Assert.Equal("approved", t.Status);
        Assert.Equal("IMAGE", t.HeaderFormat);
        Assert.Equal(2, t.BodyParameterCount);
        Assert.Equal(new[] { "URL: Shop now", "QUICK_REPLY: Stop promos" }, t.Buttons);
        Assert.Equal("594425479261596", t.Id);
        Assert.True(t.IsApproved);
        Assert.True(t.IsMarketing);
    }

    [Theory]
    [InlineData(null, 0)]
    [InlineData("No placeholders", 0)]
    [InlineData("{{1}} {{ 2 }} {{1}}", 2)]
    [InlineData("{{1}}{{2}}{{3}}{{10}}", 4)]
    public void Placeholders_are_counted_once_each(string? text, int expected) =>
        Assert.Equal(expected, MMTemplate.CountPlaceholders(text));

    [Fact]
    public async Task Every_page_of_the_listing_is_read()
    {
        var many = Enumerable.Range(1, 230).Select(i => new EmulatorTemplate($"promo_{i:D3}", "en", "MARKETING", "approved", "Hi {{1}}")).ToList();
        using var emulator = new MarketingApiEmulator(new EmulatorOptions { ApiKey = "k", Templates = many });
        emulator.Start();
        using var client = new ApiClient(emulator.BaseUri, ApiKey.FromPlainText("k"));
        var templates = await client.ListTemplatesAsync(CancellationToken.None);
        Assert.Equal(230, templates.Count);
        Assert.Equal(many.Select(t => t.Name), templates.Select(t => t.Name));
        Assert.Equal(new[] { "?limit=100&offset=0", "?limit=100&offset=100", "?limit=100&offset=200" },
            emulator.Requests.Select(r => r.Query));
    }
}

public class TemplateCheckTests
{
    private static readonly MMTemplate[] Templates =
    {
        new() { Name = "spring_sale", LanguageCode = "en", Category = "MARKETING", Status = "approved", BodyParameterCount = 2 },
        new() { Name = "spring_sale", LanguageCode = "de", Category = "MARKETING", Status = "approved", BodyParameterCount = 2 },
        new() { Name = "order_update", LanguageCode = "en", Category = "UTILITY", Status = "approved", BodyParameterCount = 1 },
        new() { Name = "winter_teaser", LanguageCode = "en", Category = "MARKETING", Status = "pending", BodyParameterCount = 1 },
    };

    [Fact]
    public void An_approved_marketing_template_with_the_right_count_passes() =>
        Assert.Equal("de", TemplateCheck.Check(Templates, "spring_sale", "de", SendRoute.MarketingMessages, 2).LanguageCode);

    [Fact]
    public void A_utility_template_passes_on_the_Cloud_API_route_only()
    {
        Assert.Equal("order_update", TemplateCheck.Check(Templates, "order_update", "en", SendRoute.CloudApi, 1).Name);
        Assert.Equal("TemplateNotMarketing",
            Assert.Throws<MessageValidationException>(() => TemplateCheck.Check(Templates, "order_update", "en", SendRoute.MarketingMessages, 1)).Reason);
    }

    [Fact]
    public void A_template_Meta_moved_out_of_MARKETING_is_refused_on_the_MM_route()
    {
        // template_category_update moved it to UTILITY: the list read afresh (New-/Remove-MMTemplate, -Force, five minutes) says so.
        var moved = new[] { new MMTemplate { Name = "spring_sale", LanguageCode = "en", Category = "UTILITY", Status = "approved", BodyParameterCount = 2 } };
        var ex = Assert.Throws<MessageValidationException>(() => TemplateCheck.Check(moved, "spring_sale", "en", SendRoute.MarketingMessages, 2));
        Assert.Equal("TemplateNotMarketing", ex.Reason);
        Assert.Contains("UTILITY", ex.Message);
        Assert.Contains("-UseCloudApi", ex.Message);
    }

    [Theory]
    [InlineData("no_such", "en", 0, "TemplateNotFound", "TemplateName")]
    [InlineData("spring_sale", "fr", 2, "TemplateLanguageNotFound", "LanguageCode")]
    [InlineData("winter_teaser", "en", 1, "TemplateNotApproved", "TemplateName")]
    [InlineData("spring_sale", "en", 1, "BodyParameterCountMismatch", "BodyParameter")]
    public void Each_mismatch_has_its_reason_field_and_names_the_template(string name, string language, int count, string reason, string field)
    {
        var ex = Assert.Throws<MessageValidationException>(() => TemplateCheck.Check(Templates, name, language, SendRoute.MarketingMessages, count));
        Assert.Equal(reason, ex.Reason);
        Assert.Equal(field, ex.Field);
        Assert.Contains(name, ex.Message);
    }

    [Fact]
    public void A_missing_language_lists_the_languages_that_exist() =>
        Assert.Contains("de, en", Assert.Throws<MessageValidationException>(
            () => TemplateCheck.Check(Templates, "spring_sale", "fr", SendRoute.MarketingMessages, 2)).Message);
}
