using System;
using System.IO;
using System.Linq;
using System.Text;
using Dialog360.MM.Core.Messages;
using Dialog360.MM.Core.People;
using Dialog360.MM.Core.State;

namespace Dialog360.MM.Core.Tests.People;

/// <summary>Who is who: the rules that make a number, its other form and a BSUID one person.</summary>
public sealed class PeopleTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 20, 9, 0, 0, TimeSpan.Zero);
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "people-" + Guid.NewGuid().ToString("N"));

    public PeopleTests() => Directory.CreateDirectory(_folder);

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string PathOf(string name) => Path.Combine(_folder, name);

    [Theory]
    // Brazil: wa_id keeps the old eight-digit mobile, audiences write the ninth digit.
    [InlineData("551187654321", "5511987654321")]
    // Mexico: wa_id has the 1 after 52.
    [InlineData("5215512345678", "525512345678")]
    // Argentina: wa_id has the 9 after 54; people write +54 11 ...
    [InlineData("5491123456789", "541123456789")]
    public void Both_forms_of_a_number_are_one_key(string waId, string written) =>
        Assert.Equal(PhoneKey.Of(written), PhoneKey.Of(waId));

    [Theory]
    [InlineData("551134567890")] // a São Paulo landline: no ninth digit to add
    [InlineData("447911123456")]
    [InlineData("12125550123")]
    public void Other_numbers_are_their_own_key(string digits) => Assert.Equal(digits, PhoneKey.Of(digits));

    [Fact]
    public void A_person_is_known_by_every_key_learned_with_theirs()
    {
        var identities = new Identities();
        Assert.True(identities.Learn(new IdentityPair("447911123456", "GB.1001")));
        Assert.False(identities.Learn(new IdentityPair("447911123456", "GB.1001")));
        // The BSUID changed (user_changed_user_id): the old and new one are the same person.
        Assert.True(identities.Learn(new IdentityPair(null, "GB.2002", previousUserId: "GB.1001")));
        var keys = identities.KeysOf(new Person(null, "GB.2002"));
        Assert.Equal(new[] { "447911123456", "GB.1001", "GB.2002" }, keys.OrderBy(k => k, StringComparer.Ordinal));
        Assert.True(identities.Same("447911123456", "GB.2002"));
        // Someone never paired is known by their own keys only.
        Assert.Equal(new[] { "447911000001" }, identities.KeysOf(new Person("447911000001", null)));
    }

    [Fact]
    public void A_bsuid_where_a_number_belongs_is_refused_naming_UserId()
    {
        var ex = Assert.Throws<MessageValidationException>(() => Person.From("US.13491208655302741918", null, null));
        Assert.Equal(ValidationReason.InvalidPhoneNumber, ex.Reason);
        Assert.Contains("-UserId", ex.Message);
        Assert.Equal(ValidationReason.InvalidUserId, Assert.Throws<MessageValidationException>(() => Person.From(null, "us.123", null)).Reason);
        Assert.Equal(ValidationReason.InvalidUserId, Assert.Throws<MessageValidationException>(() => Person.From(null, "US." + new string('1', 129), null)).Reason);
        Assert.Equal(ValidationReason.MissingRecipient, Assert.Throws<MessageValidationException>(() => Person.From(" ", "", null)).Reason);
        var both = Person.From("+44 7911 123456", " US.ENT.77 ", null);
        Assert.Equal(("447911123456", "US.ENT.77"), (both.Phone, both.UserId));
    }

    [Fact]
    public void Numbers_and_user_ids_pair_by_position_or_stand_alone()
    {
        Assert.Equal(new (string?, string?)[] { ("+1", "US.1"), ("+2", "US.2") }, Person.Zip(new[] { "+1", "+2" }, new[] { "US.1", "US.2" }));
        Assert.Equal(new (string?, string?)[] { (null, "US.1") }, Person.Zip(Array.Empty<string>(), new[] { "US.1" }));
        Assert.Throws<MessageValidationException>(() => Person.Zip(new[] { "+1", "+2" }, new[] { "US.1" }));
    }

    [Fact]
    public void A_message_to_a_bsuid_goes_as_recipient_and_never_as_to()
    {
        var content = new MessageContent { TemplateName = "spring_sale" };
        var byId = Encoding.UTF8.GetString(new TemplateMessage(null, "US.13491208655302741918", content).ToJsonUtf8());
        Assert.Contains("\"recipient\":\"US.13491208655302741918\"", byId);
        Assert.DoesNotContain("\"to\"", byId);
        // Known by both: the number, so webhooks keep carrying it.
        var both = Encoding.UTF8.GetString(new TemplateMessage("447911123456", "US.13491208655302741918", content).ToJsonUtf8());
        Assert.Contains("\"to\":\"447911123456\"", both);
        Assert.DoesNotContain("recipient\"", both);
    }

    [Fact]
    public void A_stop_by_bsuid_holds_back_the_number_once_the_pair_is_known_and_the_pair_is_kept()
    {
        var path = PathOf("optouts.jsonl");
        var list = SuppressionList.Load(path);
        list.Add(new[] { new SuppressionEntry(SuppressionAction.Add, new Person(null, "BR.555"), "stop", "events.jsonl:9", T0) });
        // Unknown pair: the stop is kept by its BSUID, and the number is not matched (yet).
        Assert.True(list.TryGet(new Person(null, "BR.555"), out _));
        Assert.False(list.TryGet("5511987654321", out _));
        // A send answer or a status pairs the wa_id (old Brazilian form) with the BSUID.
        Assert.Equal(1, list.Learn(new[] { new IdentityPair("551187654321", "BR.555") }, "Send-MarketingMessage", T0));
        Assert.True(list.TryGet("5511987654321", out var entry));
        Assert.Equal("BR.555", entry.UserId);
        // Another run reads the pair from the file.
        var reloaded = SuppressionList.Load(path);
        Assert.True(reloaded.TryGet("+55 11 98765 4321".Replace(" ", "").TrimStart('+'), out _));
        Assert.Equal(0, reloaded.Learn(new[] { new IdentityPair("5511987654321", "BR.555") }, "again", T0));
    }

    [Fact]
    public void A_stop_by_number_holds_back_a_send_by_bsuid_and_a_newer_resume_by_either_lifts_it()
    {
        var list = SuppressionList.Load(PathOf("list.jsonl"));
        list.Learn(new[] { new IdentityPair("447911123456", "GB.42") }, "webhook", T0);
        list.Add(new[] { SuppressionEntry.Suppress("+447911123456", "stop", "webhook", T0) });
        Assert.True(list.TryGet(new Person(null, "GB.42"), out _));
        list.Remove(new[] { new SuppressionEntry(SuppressionAction.Remove, new Person(null, "GB.42"), "resume", "webhook", T0.AddHours(1)) });
        Assert.False(list.TryGet("447911123456", out _));
        // An older stop read later does not undo the newer resume, whichever key it names.
        Assert.Empty(list.Add(new[] { SuppressionEntry.Suppress("+447911123456", "stop", "late", T0.AddMinutes(30)) }));
    }

    [Fact]
    public void The_list_reads_numbers_written_by_hand_with_a_plus()
    {
        var path = PathOf("hand.jsonl");
        File.WriteAllText(path, "{\"action\":\"add\",\"phone\":\"+44 7911 123456\",\"reason\":\"stop\",\"source\":\"manual\",\"time\":\"2026-11-20T09:00:00Z\"}\n");
        var list = SuppressionList.Load(path);
        Assert.Empty(list.Problems);
        Assert.True(list.TryGet("447911123456", out _));
    }

    [Fact]
    public void The_journal_knows_a_person_by_any_key_its_lines_gave()
    {
        var path = PathOf("j.jsonl");
        using (var journal = SendJournal.Open(path))
        {
            journal.WriteIntent("5511987654321", null, "spring_sale");
            journal.WriteOutcome(new JournalOutcome
            {
                To = "5511987654321", UserId = "BR.555", WaId = "551187654321", TemplateName = "spring_sale", Status = "Accepted", MessageId = "wamid.1", Attempts = 1,
            });
        }
        var identities = new Identities();
        using var reopened = SendJournal.Open(path, identities: identities);
        Assert.Equal(JournalState.Accepted, reopened.Lookup(identities.KeysOf(new Person(null, "BR.555")), "spring_sale").State);
        Assert.Equal(JournalState.Accepted, reopened.StateOf("551187654321", "spring_sale"));
        Assert.Equal(JournalState.New, reopened.StateOf("5511987654321", "autumn_sale"));
    }

    [Fact]
    public void A_journal_line_edited_by_hand_still_finds_its_person()
    {
        var path = PathOf("edited.jsonl");
        File.WriteAllText(path, "{\"kind\":\"outcome\",\"to\":\"+44 7911 123456\",\"status\":\"Accepted\",\"templateName\":\"spring_sale\",\"attempts\":1,\"time\":\"2026-11-20T09:00:00Z\"}\n");
        using var journal = SendJournal.Open(path);
        Assert.Equal(JournalState.Accepted, journal.StateOf("447911123456", "spring_sale"));
    }
}
