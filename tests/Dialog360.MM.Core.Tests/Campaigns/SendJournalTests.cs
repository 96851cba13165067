using System;
using System.IO;
using Dialog360.MM.Core.Campaigns;

namespace Dialog360.MM.Core.Tests.Campaigns;

public sealed class SendJournalTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), "journal-" + Guid.NewGuid().ToString("N") + ".jsonl");

    public void Dispose() => File.Delete(_path);

    private static MMSendResult Result(string to, SendStatus status, string? id = null) =>
        new() { To = to, Status = status, MessageId = id, TemplateName = "spring_sale", CallbackData = "spring", Attempts = 1 };

    [Fact]
    public void A_reopened_journal_knows_accepted_failed_and_in_doubt_recipients()
    {
        using (var journal = SendJournal.Open(_path))
        {
            journal.WriteIntent("441", "spring_sale");
            journal.WriteOutcome(Result("441", SendStatus.Accepted, "wamid.1"));
            journal.WriteIntent("442", "spring_sale");
            journal.WriteOutcome(Result("442", SendStatus.Failed));
            journal.WriteIntent("443", "spring_sale"); // the process died here
            journal.WriteIntent("444", "spring_sale");
            journal.WriteOutcome(Result("444", SendStatus.Unknown));
        }
        using var reopened = SendJournal.Open(_path);
        Assert.Equal(JournalState.Accepted, reopened.StateOf("441"));
        Assert.Equal(JournalState.Failed, reopened.StateOf("442"));
        Assert.Equal(JournalState.InDoubt, reopened.StateOf("443"));
        Assert.Equal(JournalState.InDoubt, reopened.StateOf("444"));
        Assert.Equal(JournalState.New, reopened.StateOf("445"));
    }

    [Fact]
    public void A_half_line_left_by_a_crash_is_ignored_and_the_next_line_starts_fresh()
    {
        File.WriteAllText(_path, "{\"kind\":\"intent\",\"to\":\"441\",\"templateName\":\"x\"}\n{\"kind\":\"outcome\",\"to\":\"441\",\"sta");
        using (var journal = SendJournal.Open(_path))
        {
            Assert.Equal(JournalState.InDoubt, journal.StateOf("441"));
            journal.WriteOutcome(Result("442", SendStatus.Accepted, "wamid.2"));
        }
        using var reopened = SendJournal.Open(_path);
        Assert.Equal(JournalState.Accepted, reopened.StateOf("442"));
    }

    [Fact]
    public void Accepted_outcomes_are_what_Measure_MMCampaign_joins_on()
    {
        using (var journal = SendJournal.Open(_path))
        {
            journal.WriteIntent("441", "spring_sale");
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
}
