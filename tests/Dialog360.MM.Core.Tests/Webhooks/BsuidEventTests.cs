using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using Dialog360.MM.Core.Webhooks;

namespace Dialog360.MM.Core.Tests.Webhooks;

/// <summary>
/// Events of people known by a business-scoped user ID (BSUID) and, for some, a username instead of a number: each
/// event carries the IDs where WhatsApp sends them, from the event itself or from value.contacts[].
/// </summary>
public class BsuidEventTests
{
    private static List<MMWebhookEvent> ReadFile(string name)
    {
        using var stream = File.OpenRead(WebhookReaderTests.Fixture(name));
        return WebhookReader.Read(stream, name, e => Assert.Fail(e.ToString())).ToList();
    }

    private static List<MMWebhookEvent> ReadText(string text) =>
        WebhookReader.Read(new MemoryStream(Encoding.UTF8.GetBytes(text)), "text", e => Assert.Fail(e.ToString())).ToList();

    [Fact]
    public void Statuses_carry_number_BSUID_parent_and_username_from_the_status_or_its_contact()
    {
        var s = ReadFile("bsuid-statuses.jsonl").Cast<MMStatusEvent>().ToList();
        Assert.Equal(4, s.Count);
        // Sent to a number: the BSUID and parent come from the contact; no username on a sent status.
        Assert.Equal(("447400123460", "GB.1349120865530274191", "GB.ENT.883124990", null), (s[0].RecipientId, s[0].UserId, s[0].ParentUserId, s[0].Username));
        // Sent to a BSUID of a username user: no number anywhere; parent_recipient_user_id.
        Assert.Equal((null, "DE.2281907364512", "DE.ENT.5510293", "lena.k"), (s[1].RecipientId, s[1].UserId, s[1].ParentUserId, s[1].Username));
        Assert.Equal("delivered", s[1].Status);
        // recipient_parent_user_id, and the contact's wa_id where recipient_id is missing (contacts after statuses).
        Assert.Equal(("5511987654321", "BR.9021776", "BR.ENT.4471", "ana.s"), (s[2].RecipientId, s[2].UserId, s[2].ParentUserId, s[2].Username));
        // Failed: no contacts, no recipient_id; the BSUID is still there, and the error.
        Assert.Equal((null, "IN.7741002", null, null, 131050), (s[3].RecipientId, s[3].UserId, s[3].ParentUserId, s[3].Username, s[3].ErrorCode));
        Assert.All(s, x => Assert.Equal("spring", x.CallbackData));
    }

    [Fact]
    public void A_status_with_its_own_BSUID_keeps_it_over_the_contact()
    {
        var s = Assert.IsType<MMStatusEvent>(Assert.Single(ReadText(
            "{\"entry\":[{\"changes\":[{\"field\":\"messages\",\"value\":{\"contacts\":[{\"wa_id\":\"447700900010\",\"user_id\":\"GB.CONTACT1\"}]," +
            "\"statuses\":[{\"id\":\"w\",\"status\":\"read\",\"recipient_id\":\"447700900010\",\"recipient_user_id\":\"GB.STATUS1\"}]}}]}]}\n")));
        Assert.Equal(("447700900010", "GB.STATUS1"), (s.RecipientId, s.UserId));
    }

    [Fact]
    public void Each_status_takes_the_contact_that_names_it()
    {
        var s = ReadText(
            "{\"entry\":[{\"changes\":[{\"field\":\"messages\",\"value\":{\"contacts\":[{\"user_id\":\"GB.A1\",\"profile\":{\"username\":\"a\"}},{\"user_id\":\"GB.B2\",\"wa_id\":\"447700900012\",\"profile\":{\"username\":\"b\"}}]," +
            "\"statuses\":[{\"id\":\"w1\",\"status\":\"read\",\"recipient_user_id\":\"GB.B2\"},{\"id\":\"w2\",\"status\":\"read\",\"recipient_user_id\":\"GB.A1\"},{\"id\":\"w3\",\"status\":\"read\",\"recipient_user_id\":\"GB.C3\"}]}}]}]}\n")
            .Cast<MMStatusEvent>().ToList();
        Assert.Equal(new (string?, string?)[] { ("447700900012", "b"), (null, "a"), (null, null) }, s.Select(x => (x.RecipientId, x.Username)));
    }

    [Fact]
    public void An_inbound_message_without_from_is_known_by_its_BSUID_name_and_username()
    {
        var m = Assert.IsType<MMMessageEvent>(Assert.Single(ReadFile("bsuid-inbound-message.json")));
        Assert.Null(m.From);
        Assert.Equal(("DE.2281907364512", "DE.ENT.5510293", "Lena", "lena.k"), (m.UserId, m.ParentUserId, m.ContactName, m.Username));
        Assert.Equal(("text", "No more offers, please"), (m.Type, m.Text));
        Assert.Null(m.SystemType);
    }

    [Fact]
    public void An_inbound_message_without_from_takes_the_number_its_contact_gives()
    {
        var m = Assert.IsType<MMMessageEvent>(Assert.Single(ReadText(
            "{\"entry\":[{\"changes\":[{\"field\":\"messages\",\"value\":{\"contacts\":[{\"profile\":{\"name\":\"Kim\",\"username\":\"kim\"},\"wa_id\":\"447700900011\",\"user_id\":\"GB.77310045\"}]," +
            "\"messages\":[{\"id\":\"w\",\"type\":\"text\",\"text\":{\"body\":\"hi\"}}]}}]}]}\n")));
        Assert.Equal(("447700900011", "GB.77310045", "Kim", "kim"), (m.From, m.UserId, m.ContactName, m.Username));
    }

    [Fact]
    public void A_stop_with_only_user_id_has_no_WaId_and_carries_the_BSUIDs()
    {
        var p = Assert.IsType<MMUserPreferenceEvent>(Assert.Single(ReadFile("bsuid-user-preferences-stop.json")));
        Assert.Null(p.WaId);
        Assert.Equal(("DE.2281907364512", "DE.ENT.5510293", "Lena"), (p.UserId, p.ParentUserId, p.ContactName));
        Assert.True(p.IsStop);
    }

    [Fact]
    public void A_user_changed_user_id_names_the_new_BSUID_and_the_one_it_replaced_in_each_shape()
    {
        var m = ReadFile("bsuid-user-changed-user-id.jsonl").Cast<MMMessageEvent>().ToList();
        Assert.All(m, x => Assert.Equal(("system", "user_changed_user_id"), (x.Type, x.SystemType)));
        // Meta: system.user_id and the sender's from_user_id.
        Assert.Equal(("US.20917348820193847561", "US.13491208655302741918"), (m[0].NewUserId, m[0].PreviousUserId));
        Assert.Equal("User Sheena Nelson changed from US.13491208655302741918 to US.20917348820193847561", m[0].Text);
        // Peers: system.previous_user_id.
        Assert.Equal(("CO.5500877", "CO.5500129"), (m[1].NewUserId, m[1].PreviousUserId));
        // Only the body names the old one.
        Assert.Equal(("BR.9021999", "BR.9021776"), (m[2].NewUserId, m[2].PreviousUserId));
    }

    [Fact]
    public void A_number_change_has_its_system_type_and_no_BSUIDs_to_swap()
    {
        var m = Assert.IsType<MMMessageEvent>(Assert.Single(ReadFile("meta-system-message.json")));
        Assert.Equal(("user_changed_number", "16505551234"), (m.SystemType, m.From));
        Assert.Equal("User Sheena Nelson changed from 16505551234 to 12195555358", m.Text);
        Assert.Null(m.NewUserId);
        Assert.Null(m.PreviousUserId);
    }

    [Fact]
    public void A_body_whose_old_ID_is_a_number_names_no_previous_BSUID()
    {
        var m = Assert.IsType<MMMessageEvent>(Assert.Single(ReadText(
            "{\"entry\":[{\"changes\":[{\"field\":\"messages\",\"value\":{\"messages\":[{\"id\":\"w\",\"type\":\"system\"," +
            "\"system\":{\"type\":\"user_changed_user_id\",\"user_id\":\"US.2\",\"body\":\"User X changed from 16505551234 to US.2\"}}]}}]}]}\n")));
        Assert.Equal(("US.2", null), (m.NewUserId, m.PreviousUserId));
    }
}
