using System;
using System.IO;
using System.Linq;
using Dialog360.MM.Core.State;
using Dialog360.MM.Core.Tests.Webhooks;
using Dialog360.MM.Core.Webhooks;

namespace Dialog360.MM.Core.Tests.State;

/// <summary>Who is who, from webhook events: the pairs each kind of event gives, and what the list does with them.</summary>
public class WebhookIdentitiesTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 9, 0, 0, TimeSpan.Zero);

    private static MMWebhookEvent[] ReadFile(string name)
    {
        using var stream = File.OpenRead(WebhookReaderTests.Fixture(name));
        return WebhookReader.Read(stream, name, e => Assert.Fail(e.ToString())).ToArray();
    }

    private static string? Pair(MMWebhookEvent e) => WebhookIdentities.PairOf(e)?.ToString();

    [Fact]
    public void Statuses_pair_the_number_with_the_BSUID_and_parent_from_wherever_they_came()
    {
        var pairs = ReadFile("bsuid-statuses.jsonl").Select(Pair).ToArray();
        Assert.Equal(new[]
        {
            "447400123460 = GB.1349120865530274191 = GB.ENT.883124990", // recipient_id and the contact's user_id and parent
            "DE.2281907364512 = DE.ENT.5510293",                        // no number: the BSUID and its parent
            "5511987654321 = BR.9021776 = BR.ENT.4471",                 // the contact's wa_id (Brazil's key keeps it as is: 13 digits)
            null,                                                       // a failed status: one BSUID, nothing to pair
        }, pairs);
    }

    [Fact]
    public void An_inbound_message_without_from_pairs_its_BSUIDs_and_a_stop_its_person()
    {
        Assert.Equal("DE.2281907364512 = DE.ENT.5510293", Pair(Assert.Single(ReadFile("bsuid-inbound-message.json"))));
        Assert.Equal("DE.2281907364512 = DE.ENT.5510293", Pair(Assert.Single(ReadFile("bsuid-user-preferences-stop.json"))));
        Assert.Equal("447700900011 = GB.77310045", Pair(ReadFile("bsuid-optouts.jsonl")[3]));
    }

    [Fact]
    public void A_user_changed_user_id_pairs_the_new_BSUID_with_the_one_it_replaced_in_each_shape()
    {
        Assert.Equal(new[]
        {
            "US.20917348820193847561 = US.13491208655302741918",
            "CO.5500877 = CO.5500129",
            "BR.9021999 = BR.9021776",
        }, ReadFile("bsuid-user-changed-user-id.jsonl").Select(Pair));
        var previous = WebhookIdentities.PairOf(ReadFile("bsuid-user-changed-user-id.jsonl")[0])!;
        Assert.Equal(("US.20917348820193847561", "US.13491208655302741918"), (previous.UserId, previous.PreviousUserId));
    }

    [Fact]
    public void A_number_change_and_events_without_two_keys_pair_nothing()
    {
        Assert.Null(Pair(Assert.Single(ReadFile("meta-system-message.json"))));
        Assert.Null(Pair(Assert.Single(ReadFile("meta-text-message.json"))));
        Assert.Null(Pair(Assert.Single(ReadFile("user-preferences-stop.json"))));
        Assert.Null(Pair(Assert.Single(ReadFile("click-event.json"))));
    }

    [Fact]
    public void What_is_not_a_number_or_not_a_BSUID_is_left_out()
    {
        var text = "{\"entry\":[{\"changes\":[{\"field\":\"messages\",\"value\":{\"statuses\":[" +
            "{\"id\":\"w1\",\"status\":\"sent\",\"recipient_id\":\"120363040000000000@g.us\",\"recipient_user_id\":\"GB.1\"}," +
            "{\"id\":\"w2\",\"status\":\"sent\",\"recipient_id\":\"447700900010\",\"recipient_user_id\":\"someone\"}]}}]}]}\n";
        var events = WebhookReader.Read(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(text)), "t", e => Assert.Fail(e.ToString()));
        Assert.All(events, e => Assert.Null(WebhookIdentities.PairOf(e)));
    }

    [Fact]
    public void A_stop_by_BSUID_holds_back_the_number_once_a_status_paired_them()
    {
        var dir = Directory.CreateTempSubdirectory("mm-bsuid-").FullName;
        try
        {
            var list = SuppressionList.Load(Path.Combine(dir, "list.jsonl"));
            using var stream = File.OpenRead(WebhookReaderTests.Fixture("bsuid-optouts.jsonl"));
            var events = WebhookReader.Read(stream, "bsuid-optouts.jsonl", x => Assert.Fail(x.ToString())).ToList();
            list.Append(events.Select(e => SuppressionEntry.FromWebhook(e, Now)).Where(e => e != null).Select(e => e!));
            // Nobody has paired the number with the BSUID yet: the number is not held back.
            Assert.False(list.TryGet("447700900010", out _));

            Assert.Equal(2, list.Learn(events.Select(WebhookIdentities.PairOf).Where(p => p != null).Select(p => p!), "bsuid-optouts.jsonl", Now));
            Assert.True(list.TryGet("447700900010", out var entry));
            Assert.Equal(("stop", "bsuid-optouts.jsonl:2"), (entry.Reason, entry.Source));
            // Kept in the file: a list loaded again knows the pair.
            Assert.True(SuppressionList.Load(list.Path).TryGet("447700900010", out _));
            Assert.False(list.TryGet("447700900011", out _));
        }
        finally { Directory.Delete(dir, recursive: true); }
    }
}
