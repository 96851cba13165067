using System;
using System.IO;
using System.Linq;
using Dialog360.MM.Core.Messages;
using Dialog360.MM.Core.State;
using Dialog360.MM.Core.Tests.Webhooks;
using Dialog360.MM.Core.Webhooks;

namespace Dialog360.MM.Core.Tests.State;

/// <summary>Opt-outs from webhooks that name the person by business-scoped user ID, with or without the number.</summary>
public class WebhookOptOutTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 9, 0, 0, TimeSpan.Zero);

    private static MMWebhookEvent[] Read(string text) =>
        WebhookReader.Read(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(text)), "events.jsonl", e => Assert.Fail(e.ToString())).ToArray();

    private static string Preference(string who, string value = "stop") =>
        "{\"entry\":[{\"changes\":[{\"field\":\"user_preferences\",\"value\":{\"user_preferences\":[{" + who +
        ",\"category\":\"marketing_messages\",\"value\":\"" + value + "\",\"timestamp\":1750264200}]}}]}]}\n";

    [Fact]
    public void A_stop_with_only_user_id_is_a_record_by_BSUID()
    {
        using var stream = File.OpenRead(WebhookReaderTests.Fixture("bsuid-user-preferences-stop.json"));
        var e = Assert.Single(WebhookReader.Read(stream, "stop.json", x => Assert.Fail(x.ToString())));
        var entry = SuppressionEntry.FromWebhook(e, Now)!;
        Assert.NotNull(entry);
        Assert.Equal((SuppressionAction.Add, null, "DE.2281907364512", "stop"), (entry.Action, entry.Phone, entry.UserId, entry.Reason));
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1750264200), entry.Time);
        Assert.Equal("DE.2281907364512", entry.Display);
    }

    [Fact]
    public void A_stop_with_number_and_BSUID_keeps_both_and_a_resume_by_BSUID_removes()
    {
        var both = SuppressionEntry.FromWebhook(Read(Preference("\"wa_id\":\"447700900010\",\"user_id\":\"GB.1349120865530274191\""))[0], Now)!;
        Assert.Equal(("447700900010", "GB.1349120865530274191"), (both.Phone, both.UserId));
        var resume = SuppressionEntry.FromWebhook(Read(Preference("\"user_id\":\"GB.1349120865530274191\"", "resume"))[0], Now)!;
        Assert.Equal((SuppressionAction.Remove, null, "GB.1349120865530274191"), (resume.Action, resume.Phone, resume.UserId));
    }

    [Fact]
    public void A_stop_with_only_a_parent_BSUID_is_kept_by_it()
    {
        var entry = SuppressionEntry.FromWebhook(Read(Preference("\"parent_user_id\":\"GB.ENT.883124990\""))[0], Now)!;
        Assert.Equal((null, "GB.ENT.883124990"), (entry.Phone, entry.UserId));
    }

    [Fact]
    public void A_stop_whose_user_id_is_no_BSUID_and_that_has_no_number_is_refused_naming_user_id()
    {
        var ex = Assert.Throws<MessageValidationException>(() => SuppressionEntry.FromWebhook(Read(Preference("\"user_id\":\"someone\""))[0], Now));
        Assert.Equal(ValidationReason.InvalidUserId, ex.Reason);
        Assert.Contains("user_id 'someone'", ex.Message);
    }

    [Fact]
    public void A_131050_failure_without_recipient_id_is_a_record_by_recipient_user_id()
    {
        using var stream = File.OpenRead(WebhookReaderTests.Fixture("bsuid-statuses.jsonl"));
        var entries = WebhookReader.Read(stream, "bsuid-statuses.jsonl", x => Assert.Fail(x.ToString()))
            .Select(e => SuppressionEntry.FromWebhook(e, Now)).Where(e => e != null).ToList();
        var entry = Assert.Single(entries)!;
        Assert.Equal((SuppressionAction.Add, null, "IN.7741002", "131050", "bsuid-statuses.jsonl:4"),
            (entry.Action, entry.Phone, entry.UserId, entry.Reason, entry.Source));
    }
}
