using System.Text;
using Dialog360.MM.Core.Messages;

namespace Dialog360.MM.Core.Tests.Messages;

public class TemplateMessageTests
{
    private static string Json(TemplateMessage m) => Encoding.UTF8.GetString(m.ToJsonUtf8());

    [Fact]
    public void Minimal_body_has_exactly_the_required_fields_in_order()
    {
        var json = Json(new TemplateMessage("+44 1234-567890", "welcome_offer"));
        Assert.Equal(
            "{\"messaging_product\":\"whatsapp\",\"recipient_type\":\"individual\",\"to\":\"441234567890\",\"type\":\"template\"," +
            "\"template\":{\"name\":\"welcome_offer\",\"language\":{\"code\":\"en\",\"policy\":\"deterministic\"}}}", json);
    }

    [Fact]
    public void Body_parameters_become_one_body_component_of_text_parameters()
    {
        var json = Json(new TemplateMessage("441234567890", "spring_sale", "de",
            new TemplateParameter[] { new TextParameter("Jürgen"), new TextParameter("20 % + mehr") }));
        Assert.Contains("\"language\":{\"code\":\"de\",\"policy\":\"deterministic\"}", json);
        Assert.Contains("\"components\":[{\"type\":\"body\",\"parameters\":[{\"type\":\"text\",\"text\":\"Jürgen\"},{\"type\":\"text\",\"text\":\"20 % + mehr\"}]}]", json);
    }

    [Fact]
    public void Activity_sharing_is_written_only_when_set_and_a_time_to_live_never()
    {
        var json = Json(new TemplateMessage("441234567890", "welcome_offer", activitySharing: true));
        Assert.EndsWith("\"message_activity_sharing\":true}", json);
        var plain = Json(new TemplateMessage("441234567890", "welcome_offer"));
        Assert.DoesNotContain("message_activity_sharing", plain);
        Assert.DoesNotContain("message_send_ttl_seconds", plain);
    }

    [Fact]
    public void Quotes_and_control_characters_in_parameters_are_escaped_as_JSON()
    {
        var json = Json(new TemplateMessage("441234567890", "spring_sale", bodyParameters: new TemplateParameter[] { new TextParameter("say \"hi\"\n") }));
        Assert.Contains("\"text\":\"say \\\"hi\\\"\\n\"", json);
    }

    [Theory]
    [InlineData("", "MissingTemplateName")]
    [InlineData("   ", "MissingTemplateName")]
    [InlineData("Spring Sale", "InvalidTemplateName")]
    [InlineData("spring-sale", "InvalidTemplateName")]
    [InlineData("welcome_offer\n", "InvalidTemplateName")] // "$" would match before a final newline
    public void Bad_template_names_are_refused_with_the_field_named(string name, string reason)
    {
        var ex = Assert.Throws<MessageValidationException>(() => new TemplateMessage("441234567890", name));
        Assert.Equal("TemplateName", ex.Field);
        Assert.Equal(reason, ex.Reason);
    }

    [Theory]
    [InlineData("en")]
    [InlineData("en_US")]
    [InlineData("fil")]
    [InlineData("pt_BR")]
    public void Language_codes_as_WhatsApp_lists_them_are_accepted(string code) =>
        Assert.Equal(code, new TemplateMessage("441234567890", "welcome_offer", code).LanguageCode);

    [Theory]
    [InlineData("english")]
    [InlineData("EN")]
    [InlineData("en-US")]
    [InlineData("en\n")]
    [InlineData("en_US\n")]
    [InlineData("")]
    public void Malformed_language_codes_are_refused(string code)
    {
        var ex = Assert.Throws<MessageValidationException>(() => new TemplateMessage("441234567890", "welcome_offer", code));
        Assert.Equal("LanguageCode", ex.Field);
    }
}
