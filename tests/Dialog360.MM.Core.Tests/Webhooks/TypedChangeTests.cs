using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using Dialog360.MM.Core.Webhooks;

namespace Dialog360.MM.Core.Tests.Webhooks;

/// <summary>Changes other than messages that a runbook acts on: opt-outs, template status and category, account updates.</summary>
public class TypedChangeTests
{
    private static List<MMWebhookEvent> ReadFile(string name)
    {
        var errors = new List<WebhookReadError>();
        using var stream = File.OpenRead(WebhookReaderTests.Fixture(name));
        var events = WebhookReader.Read(stream, name, errors.Add).ToList();
        Assert.Empty(errors);
        return events;
    }

    private static List<MMWebhookEvent> ReadText(string text) =>
        WebhookReader.Read(new MemoryStream(Encoding.UTF8.GetBytes(text)), "text", e => Assert.Fail(e.ToString())).ToList();

    [Fact]
    public void A_marketing_stop_becomes_MMUserPreferenceEvent_with_number_name_and_business_number()
    {
        var p = Assert.IsType<MMUserPreferenceEvent>(Assert.Single(ReadFile("user-preferences-stop.json")));
        Assert.Equal("UserPreference", p.EventType);
        Assert.Equal(("16505551234", "stop", "marketing_messages"), (p.WaId, p.Value, p.Category));
        Assert.True(p.IsStop);
        Assert.Equal("User requested to stop marketing messages", p.Detail);
        Assert.Equal("Sheena Nelson", p.ContactName);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1739321024), p.Timestamp);
        Assert.Equal(("102290129340398", "106540352242922", "15550783881", "user_preferences"), (p.WabaId, p.PhoneNumberId, p.DisplayPhoneNumber, p.Field));
    }

    [Fact]
    public void Every_preference_of_a_change_is_an_event_and_resume_is_no_stop()
    {
        var events = ReadText("{\"entry\":[{\"id\":\"W\",\"changes\":[{\"field\":\"user_preferences\",\"value\":{\"metadata\":{\"phone_number_id\":\"PN\"},\"user_preferences\":[" +
            "{\"wa_id\":\"1\",\"category\":\"marketing_messages\",\"value\":\"resume\",\"timestamp\":\"1739321024\"}," +
            "{\"wa_id\":\"2\",\"category\":\"marketing_messages\",\"value\":\"stop\"}]}}]}]}");
        var preferences = events.Cast<MMUserPreferenceEvent>().ToList();
        Assert.Equal(new (string?, bool)[] { ("1", false), ("2", true) }, preferences.Select(p => (p.WaId, p.IsStop)));
        Assert.All(preferences, p => Assert.Equal("PN", p.PhoneNumberId));
        Assert.Null(preferences[0].ContactName);
    }

    [Fact]
    public void A_paused_template_becomes_MMTemplateStatusEvent_timed_by_the_entry()
    {
        var t = Assert.IsType<MMTemplateStatusEvent>(Assert.Single(ReadFile("template-status-paused.json")));
        Assert.Equal("TemplateStatus", t.EventType);
        Assert.Equal(("PAUSED", "1689556908129832", "order_confirmation", "en_US", "MARKETING"), (t.Status, t.TemplateId, t.TemplateName, t.Language, t.Category));
        Assert.Equal(("NONE", "FIRST_PAUSE"), (t.Reason, t.Title));
        Assert.StartsWith("Your WhatsApp message template has been paused", t.Description);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1739321024), t.Timestamp);
        Assert.Equal(("102290129340398", "message_template_status_update"), (t.WabaId, t.Field));
    }

    [Fact]
    public void A_rejection_for_invalid_format_says_why()
    {
        var t = Assert.IsType<MMTemplateStatusEvent>(Assert.Single(ReadText(
            "{\"entry\":[{\"id\":\"W\",\"changes\":[{\"value\":{\"event\":\"REJECTED\",\"reason\":\"INVALID_FORMAT\",\"rejection_info\":{\"reason\":\"Variables at the start.\",\"recommendation\":\"Move them.\"}},\"field\":\"message_template_status_update\"}]}]}")));
        Assert.Equal(("REJECTED", "INVALID_FORMAT", "Variables at the start."), (t.Status, t.Reason, t.Description));
    }

    [Fact]
    public void Category_changes_tell_an_announced_change_from_a_completed_one()
    {
        var changes = ReadFile("template-category-update.jsonl").Cast<MMTemplateCategoryEvent>().ToList();
        Assert.Equal(2, changes.Count);
        var announced = changes[0];
        Assert.Equal("TemplateCategory", announced.EventType);
        Assert.True(announced.IsAnnounced);
        Assert.Equal(("order_confirmation", "en_US", "UTILITY", "MARKETING"), (announced.TemplateName, announced.Language, announced.NewCategory, announced.CorrectCategory));
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1739407424), announced.EffectiveAt);
        var done = changes[1];
        Assert.False(done.IsAnnounced);
        Assert.Equal(("UTILITY", "MARKETING"), (done.PreviousCategory, done.NewCategory));
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1739407424), done.Timestamp);
    }

    [Fact]
    public void Accepting_the_MM_terms_becomes_MMAccountUpdateEvent_and_keeps_the_value()
    {
        var a = Assert.IsType<MMAccountUpdateEvent>(Assert.Single(ReadFile("account-update-mm-terms.json")));
        Assert.Equal("AccountUpdate", a.EventType);
        Assert.Equal(("MM_LITE_TERMS_SIGNED", "2729063490586005"), (a.Event, a.OwnerBusinessId));
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1739321024), a.Timestamp);
        Assert.Contains("\"waba_info\"", a.RawJson);
    }

    [Fact]
    public void A_violation_names_its_type()
    {
        var a = Assert.IsType<MMAccountUpdateEvent>(Assert.Single(ReadText(
            "{\"entry\":[{\"id\":\"W\",\"changes\":[{\"field\":\"account_update\",\"value\":{\"event\":\"ACCOUNT_VIOLATION\",\"violation_info\":{\"violation_type\":\"SCAM\"}}}]}]}")));
        Assert.Equal(("ACCOUNT_VIOLATION", "SCAM"), (a.Event, a.ViolationType));
    }

    [Fact]
    public void A_known_field_whose_value_is_no_object_stays_unknown()
    {
        var u = Assert.IsType<MMUnknownEvent>(Assert.Single(ReadText("{\"entry\":[{\"id\":\"W\",\"changes\":[{\"value\":42,\"field\":\"account_update\"}]}]}")));
        Assert.Equal("field account_update", u.Reason);
    }
}
