using System.Collections.Generic;
using Dialog360.MM.Core.State;
using Dialog360.MM.Core.Tests.Webhooks;

namespace Dialog360.MM.Core.Tests.State;

public class SendJournalReaderTests
{
    [Fact]
    public void Indexes_sends_by_message_id_skipping_lines_without_one_and_reporting_broken_lines()
    {
        var bad = new List<long>();
        var index = SendJournalReader.ReadIndex(WebhookReaderTests.Fixture("journal.jsonl"), (line, _) => bad.Add(line));
        Assert.Equal(6, index.Count);
        var entry = index["wamid.B0002"];
        Assert.Equal(("autumn_teaser", "447700900004", "autumn"), (entry.TemplateName, entry.To, entry.CallbackData));
        Assert.Equal(new long[] { 8 }, bad);
    }
}
