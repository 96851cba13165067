using System;
using System.IO;
using Dialog360.MM.Core.Campaigns;
using Dialog360.MM.Core.State;

namespace Dialog360.MM.Core.Tests.State;

public sealed class SendJournalTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), "journal-" + Guid.NewGuid().ToString("N") + ".jsonl");

    public void Dispose()
    {
        File.Delete(_path);
        File.Delete(_path + ".lock");
    }

    private static readonly CampaignIdentity Spring = new("spring_sale", "en", "MarketingMessages", "****abcd");

    private static JournalOutcome Result(string to, SendStatus status, string? id = null) =>
        new MMSendResult { To = to, Status = status, MessageId = id, TemplateName = "spring_sale", CallbackData = "spring", Attempts = 1 }.ToJournal();

    [Fact]
    public void A_reopened_journal_knows_accepted_failed_and_in_doubt_recipients()
    {
        using (var journal = SendJournal.Open(_path))
        {
            journal.WriteIntent("441", null, "spring_sale");
            journal.WriteOutcome(Result("441", SendStatus.Accepted, "wamid.1"));
            journal.WriteIntent("442", null, "spring_sale");
            journal.WriteOutcome(Result("442", SendStatus.Failed));
            journal.WriteIntent("443", null, "spring_sale"); // the process died here
            journal.WriteIntent("444", null, "spring_sale");
            journal.WriteOutcome(Result("444", SendStatus.Unknown));
        }
        using var reopened = SendJournal.Open(_path);
        Assert.Equal(JournalState.Accepted, reopened.StateOf("441", "spring_sale"));
        Assert.Equal(JournalState.Failed, reopened.StateOf("442", "spring_sale"));
        Assert.Equal(JournalState.InDoubt, reopened.StateOf("443", "spring_sale"));
        Assert.Equal(JournalState.InDoubt, reopened.StateOf("444", "spring_sale"));
        Assert.Equal(JournalState.New, reopened.StateOf("445", "spring_sale"));
    }

    [Fact]
    public void A_half_line_left_by_a_crash_is_ignored_and_the_next_line_starts_fresh()
    {
        File.WriteAllText(_path, "{\"kind\":\"intent\",\"to\":\"441\",\"templateName\":\"spring_sale\"}\n{\"kind\":\"outcome\",\"to\":\"441\",\"sta");
        using (var journal = SendJournal.Open(_path))
        {
            Assert.Equal(JournalState.InDoubt, journal.StateOf("441", "spring_sale"));
            journal.WriteOutcome(Result("442", SendStatus.Accepted, "wamid.2"));
        }
        using var reopened = SendJournal.Open(_path);
        Assert.Equal(JournalState.Accepted, reopened.StateOf("442", "spring_sale"));
    }

    [Fact]
    public void Accepted_outcomes_are_what_Measure_MMCampaign_joins_on()
    {
        using (var journal = SendJournal.Open(_path))
        {
            journal.WriteIntent("441", null, "spring_sale");
            journal.WriteOutcome(Result("441", SendStatus.Accepted, "wamid.1"));
            journal.WriteOutcome(Result("442", SendStatus.Failed));
        }
        var index = SendJournalReader.ReadIndex(_path);
        var entry = Assert.Single(index).Value;
        Assert.Equal("wamid.1", entry.MessageId);
        Assert.Equal("441", entry.To);
        Assert.Equal("spring_sale", entry.TemplateName);
        Assert.Equal("spring", entry.CallbackData);
    }

    [Fact]
    public void A_journal_names_its_campaign_in_its_first_line_and_refuses_another()
    {
        using (var journal = SendJournal.Open(_path))
        {
            journal.Claim(Spring);
            journal.WriteIntent("441", null, "spring_sale");
            journal.WriteOutcome(Result("441", SendStatus.Accepted, "wamid.1"));
        }
        Assert.StartsWith("{\"kind\":\"campaign\",\"templateName\":\"spring_sale\",\"languageCode\":\"en\"", File.ReadAllLines(_path)[0]);
        using var reopened = SendJournal.Open(_path);
        reopened.Claim(Spring);
        var autumn = new CampaignIdentity("autumn_sale", "en", "MarketingMessages", "****abcd");
        var refused = Assert.Throws<JournalMismatchException>(() => reopened.Claim(autumn));
        Assert.Contains("spring_sale", refused.Message);
        Assert.Contains("-JournalPath", refused.Message);
        Assert.Throws<JournalMismatchException>(() => reopened.Claim(new CampaignIdentity("spring_sale", "de", "MarketingMessages", "****abcd")));
        Assert.Throws<JournalMismatchException>(() => reopened.Claim(new CampaignIdentity("spring_sale", "en", "CloudApi", "****abcd")));
        Assert.Throws<JournalMismatchException>(() => reopened.Claim(new CampaignIdentity("spring_sale", "en", "MarketingMessages", "****wxyz")));
    }

    [Fact]
    public void A_journal_without_its_campaign_line_is_judged_by_its_entries()
    {
        // The first line was cut off (a crash while it was written) or deleted by hand: the entries still say which
        // template the journal is for, so another campaign is refused instead of taking its people for its own.
        File.WriteAllText(_path, "{\"kind\":\"camp\n{\"kind\":\"outcome\",\"to\":\"441\",\"status\":\"Accepted\",\"templateName\":\"autumn_sale\"}\n");
        using (var journal = SendJournal.Open(_path))
        {
            Assert.Throws<JournalMismatchException>(() => journal.Claim(Spring));
            var autumn = new CampaignIdentity("autumn_sale", "en", "MarketingMessages", "h:1");
            journal.Claim(autumn);
            Assert.Equal(JournalState.Accepted, journal.StateOf("441", "autumn_sale"));
        }
        using var reopened = SendJournal.Open(_path);
        Assert.Equal("autumn_sale", reopened.Campaign!.TemplateName);
    }

    [Fact]
    public void Two_keys_that_end_alike_are_two_accounts_and_an_old_journal_still_compares_by_the_hint()
    {
        using var first = Dialog360.MM.Core.Api.ApiKey.FromPlainText("first-key-000-abcd");
        using var second = Dialog360.MM.Core.Api.ApiKey.FromPlainText("second-key-00-abcd");
        Assert.Equal(first.Hint, second.Hint);
        Assert.NotEqual(first.AccountId, second.AccountId);
        Assert.DoesNotContain("abcd", first.AccountId);
        var mine = new CampaignIdentity("spring_sale", "en", "MarketingMessages", first.AccountId, first.ToString());
        Assert.False(mine.IsSameAs(new CampaignIdentity("spring_sale", "en", "MarketingMessages", second.AccountId)));
        Assert.True(mine.IsSameAs(new CampaignIdentity("spring_sale", "en", "MarketingMessages", "****abcd")));
    }

    [Fact]
    public void A_second_run_cannot_open_a_journal_that_is_held()
    {
        using var first = SendJournal.Open(_path);
        var refused = Assert.Throws<Dialog360.MM.Core.Files.FileLockedException>(() => SendJournal.Open(_path));
        Assert.Equal(SendJournal.Purpose, refused.Holder!.Purpose);
    }

    [Theory]
    [InlineData("{\"kind\":\"outcome\",\"to\":447911000001,\"status\":\"Accepted\"}", "'to' is a number")]
    [InlineData("{\"kind\":\"outcome\",\"to\":\"441\",\"status\":true}", "'status' is a true")]
    [InlineData("[1,2]", "not a JSON object")]
    public void A_line_of_the_wrong_shape_is_a_JournalException_naming_the_line(string line, string reason)
    {
        File.WriteAllText(_path, "{\"kind\":\"intent\",\"to\":\"441\",\"templateName\":\"spring_sale\"}\n" + line + "\n");
        var error = Assert.Throws<JournalException>(() => SendJournal.Open(_path));
        Assert.Contains("Line 2", error.Message);
        Assert.Contains(reason, error.Message);
        // The lock is released: the journal can be opened once it is mended.
        File.WriteAllText(_path, "");
        SendJournal.Open(_path).Dispose();
    }

    [Fact]
    public void A_write_that_fails_is_a_JournalException()
    {
        using var journal = SendJournal.Open(_path, new StreamLog(_path, new FailingStream()));
        var error = Assert.Throws<JournalException>(() => journal.WriteIntent("441", null, "spring_sale"));
        Assert.Contains("No space left on device", error.Message);
    }

    [Fact]
    public void A_full_disk_never_keeps_the_journal_held_and_its_campaign_line_fails_as_a_JournalException()
    {
        var journal = SendJournal.Open(_path, new StreamLog(_path, new FailingStream(failOnClose: true)));
        Assert.Throws<JournalException>(() => journal.Claim(Spring));
        // Closing fails too (the last bytes cannot be flushed), and the journal is released all the same: the run
        // the user starts again once space is free is not refused with JournalInUse naming its own process.
        journal.Dispose();
        using var again = SendJournal.Open(_path);
        again.Claim(Spring);
    }

    /// <summary>What a full disk looks like to the journal: every write fails (and, if asked, closing too).</summary>
    internal sealed class FailingStream : MemoryStream
    {
        private readonly bool _failOnClose;

        public FailingStream(bool failOnClose = false) => _failOnClose = failOnClose;

        public override void Write(byte[] buffer, int offset, int count) => throw new IOException("No space left on device");

        protected override void Dispose(bool disposing)
        {
            base.Dispose(disposing);
            if (_failOnClose) throw new IOException("No space left on device");
        }
    }
}
