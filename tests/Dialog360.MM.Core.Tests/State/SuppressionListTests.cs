using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using Dialog360.MM.Core.Messages;
using Dialog360.MM.Core.Files;
using Dialog360.MM.Core.State;

namespace Dialog360.MM.Core.Tests.State;

public sealed class SuppressionListTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 25, 9, 0, 0, TimeSpan.Zero);
    private readonly string _dir = Directory.CreateTempSubdirectory("mm-suppression-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string PathOf(string name) => Path.Combine(_dir, name);

    private static SuppressionEntry Stop(string phone, int minutes, string source = "events.jsonl:1") =>
        SuppressionEntry.Suppress(phone, "stop", source, T0.AddMinutes(minutes));

    private static SuppressionEntry Resume(string phone, int minutes) =>
        SuppressionEntry.Unsuppress(phone, "resume", "events.jsonl:2", T0.AddMinutes(minutes));

    private static string Line(string action, string phone, int minutes) =>
        $"{{\"action\":\"{action}\",\"phone\":\"{phone}\",\"reason\":\"stop\",\"source\":\"manual\",\"time\":\"{T0.AddMinutes(minutes):O}\"}}";

    [Fact]
    public void An_added_number_is_found_after_a_reload_with_its_reason_source_time_and_line()
    {
        var path = PathOf("list.jsonl");
        var list = SuppressionList.Load(path);
        Assert.Empty(list.Entries);
        var written = list.Add(new[] { SuppressionEntry.Suppress("+44 7911 123456", "131050", "spring_sale", T0) });
        Assert.Equal(1, Assert.Single(written).Line);

        var text = File.ReadAllText(path);
        Assert.Equal("{\"action\":\"add\",\"phone\":\"447911123456\",\"reason\":\"131050\",\"source\":\"spring_sale\",\"time\":\"2026-11-25T09:00:00+00:00\"}\n", text);

        var reloaded = SuppressionList.Load(path);
        Assert.True(reloaded.TryGet("447911123456", out var entry));
        Assert.Equal(("131050", "spring_sale", T0, 1L), (entry.Reason, entry.Source, entry.Time, entry.Line));
        Assert.Equal("131050 on 2026-11-25 09:00 UTC (spring_sale)", entry.Describe());
        Assert.False(reloaded.TryGet("447911123457", out _));
        Assert.Empty(reloaded.Problems);
    }

    [Fact]
    public void A_resume_older_than_the_stop_does_not_lift_it_whichever_is_read_first()
    {
        var list = SuppressionList.Load(PathOf("a.jsonl"));
        list.Append(new[] { Stop("447911123456", 10), Resume("447911123456", 5) });
        Assert.True(list.TryGet("447911123456", out _));

        // The resume arrives first: it is kept, so the older stop read later does not suppress the number.
        list.Append(new[] { Resume("447911000001", 20), Stop("447911000001", 10) });
        Assert.False(list.TryGet("447911000001", out _));

        var reloaded = SuppressionList.Load(list.Path);
        Assert.True(reloaded.TryGet("447911123456", out _));
        Assert.False(reloaded.TryGet("447911000001", out _));
    }

    [Fact]
    public void A_file_written_out_of_order_folds_by_time_not_by_line()
    {
        var path = PathOf("b.jsonl");
        File.WriteAllText(path, string.Join("\n",
            Line("add", "447911123456", 30), Line("remove", "447911123456", 20),
            Line("remove", "447911000001", 10), Line("add", "447911000001", 40)) + "\n");
        var list = SuppressionList.Load(path);
        Assert.Equal(new[] { "447911123456", "447911000001" }, list.Entries.Select(e => e.Phone));
    }

    [Fact]
    public void Reading_the_same_events_twice_writes_nothing_the_second_time()
    {
        var path = PathOf("c.jsonl");
        var events = new[] { Stop("447911123456", 1), Resume("447911000001", 2), Stop("447911000002", 3) };
        Assert.Equal(3, SuppressionList.Load(path).Append(events).Count);
        var before = File.ReadAllBytes(path);
        Assert.Empty(SuppressionList.Load(path).Append(events));
        Assert.Equal(before, File.ReadAllBytes(path));
    }

    [Fact]
    public void A_half_last_line_is_ignored_on_read_and_cut_off_by_the_next_writer()
    {
        var path = PathOf("d.jsonl");
        var half = Line("add", "447911000009", 5);
        File.WriteAllText(path, Line("add", "447911123456", 1) + "\n" + Line("add", "447911000001", 2) + "\n" + half.Substring(0, 40));

        var list = SuppressionList.Load(path);
        Assert.Equal(2, list.Entries.Count);
        Assert.Empty(list.Problems);

        var written = list.Add(new[] { Stop("447911000002", 3) });
        Assert.Equal(3, Assert.Single(written).Line);
        var reloaded = SuppressionList.Load(path);
        Assert.Empty(reloaded.Problems);
        Assert.Equal(new[] { "447911123456", "447911000001", "447911000002" }, reloaded.Entries.Select(e => e.Phone));
        Assert.Equal(3, File.ReadAllLines(path).Length);
    }

    [Fact]
    public void A_whole_last_record_without_its_line_break_counts_and_is_finished_by_the_next_writer()
    {
        var path = PathOf("e.jsonl");
        File.WriteAllText(path, Line("add", "447911123456", 1));
        var list = SuppressionList.Load(path);
        Assert.True(list.TryGet("447911123456", out _));
        Assert.Equal(2, Assert.Single(list.Add(new[] { Stop("447911000002", 3) })).Line);
        Assert.Equal(2, SuppressionList.Load(path).Entries.Count);
    }

    [Fact]
    public void Other_bad_lines_are_reported_with_their_number_and_the_rest_still_counts()
    {
        var path = PathOf("f.jsonl");
        File.WriteAllText(path, "\uFEFF" + string.Join("\n",
            Line("add", "447911123456", 1),
            "{\"action\":\"add\",\"phone\":",
            Line("block", "447911000001", 2),
            "{\"action\":\"add\",\"phone\":\"447911000002\",\"source\":\"manual\"}",
            "{\"action\":\"add\",\"phone\":\"+44 7911\",\"time\":\"2026-11-25T09:00:00Z\"}",
            "",
            Line("add", "447911000003", 3) + "\r") + "\n", new UTF8Encoding(false));
        var list = SuppressionList.Load(path);
        Assert.Equal(new[] { "447911123456", "447911000003" }, list.Entries.Select(e => e.Phone));
        Assert.Equal(new long[] { 2, 3, 4, 5 }, list.Problems.Select(p => p.Line));
        Assert.Contains("not valid JSON", list.Problems[0].Message);
        Assert.Contains("'block'", list.Problems[1].Message);
        Assert.Contains("no 'time'", list.Problems[2].Message);
        Assert.Contains("not an international number", list.Problems[3].Message);
        Assert.Equal($"{path}, line 2: {list.Problems[0].Message}", list.Problems[0].ToString());
    }

    [Fact]
    public void Numbers_are_normalised_and_a_non_number_is_refused_before_anything_is_written()
    {
        Assert.Equal("447911123456", Stop("0044 (7911) 123-456", 0).Phone);
        var refused = Assert.Throws<MessageValidationException>(() => Stop("call me", 0));
        Assert.Equal("InvalidPhoneNumber", refused.Reason);
        var list = SuppressionList.Load(PathOf("g.jsonl"));
        Assert.Throws<ArgumentException>(() => list.Add(new[] { Resume("447911123456", 1) }));
        Assert.Throws<ArgumentException>(() => list.Remove(new[] { Stop("447911123456", 1) }));
        Assert.False(File.Exists(list.Path));
    }

    [Fact]
    public void Refresh_reads_what_another_writer_appended()
    {
        var path = PathOf("h.jsonl");
        var campaign = SuppressionList.Load(path);
        SuppressionList.Load(path).Add(new[] { Stop("447911123456", 1) });
        Assert.False(campaign.TryGet("447911123456", out _));
        campaign.Refresh();
        Assert.True(campaign.TryGet("447911123456", out _));
    }

    [Fact]
    public void A_writer_catches_up_before_deciding_so_an_older_record_it_had_not_read_is_not_written()
    {
        var path = PathOf("i.jsonl");
        var stale = SuppressionList.Load(path);
        SuppressionList.Load(path).Add(new[] { Stop("447911123456", 10) });
        Assert.Empty(stale.Remove(new[] { Resume("447911123456", 5) }));
        Assert.True(stale.TryGet("447911123456", out _));
        Assert.Single(File.ReadAllLines(path));
    }

    [Fact]
    public async Task Two_writers_on_two_threads_lose_no_line_and_interleave_none()
    {
        var path = PathOf("j.jsonl");
        var first = SuppressionList.Load(path);
        var second = SuppressionList.Load(path); // two lists on one file: the FileLock, not the list's own gate, keeps them apart
        var shared = SuppressionList.Load(path);
        void Write(SuppressionList list, int offset) =>
            Enumerable.Range(0, 50).ToList().ForEach(b => list.Add(Enumerable.Range(0, 10)
                .Select(i => Stop($"4479110{offset + b * 10 + i:D5}", b, $"writer {offset}"))));
        var tasks = new[]
        {
            Task.Run(() => Write(first, 0)), Task.Run(() => Write(second, 1000)),
            Task.Run(() => Write(shared, 2000)), Task.Run(() => Write(shared, 3000)), // one list, two worker threads
        };
        Assert.True(await Finishes(Task.WhenAll(tasks), TimeSpan.FromSeconds(60)), "the writers did not finish in 60 s");

        var lines = File.ReadAllLines(path);
        Assert.Equal(2000, lines.Length);
        var reloaded = SuppressionList.Load(path);
        Assert.Empty(reloaded.Problems);
        Assert.Equal(2000, reloaded.Entries.Select(e => e.Phone).Distinct().Count());
        // Each batch is contiguous: one write per batch, never split by another writer's lines.
        for (var i = 0; i < lines.Length; i += 10)
            Assert.Single(reloaded.Entries.Where(e => e.Line > i && e.Line <= i + 10).Select(e => e.Source).Distinct());
    }

    [Fact]
    public async Task A_writer_waits_for_a_short_batch_and_gives_up_with_FileLockedException_after_its_timeout()
    {
        var path = PathOf("k.jsonl");
        var list = SuppressionList.Load(new FileStateStore(TimeSpan.FromMilliseconds(300)), path);
        using (FileLock.Acquire(path, "another campaign"))
        {
            var refused = Assert.Throws<FileLockedException>(() => list.Add(new[] { Stop("447911123456", 1) }));
            Assert.Contains("another campaign", refused.Message);
        }
        Assert.False(list.TryGet("447911123456", out _));

        list = SuppressionList.Load(new FileStateStore(TimeSpan.FromSeconds(10)), path);
        var holder = FileLock.Acquire(path, "short batch");
        var release = Task.Run(async () => { await Task.Delay(200); holder.Dispose(); });
        Assert.Single(list.Add(new[] { Stop("447911123456", 1) }));
        Assert.True(await Finishes(release, TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public void Webhook_events_become_stops_131050s_and_resumes_with_their_own_time_and_line()
    {
        var fixture = Path.Combine(AppContext.BaseDirectory, "fixtures", "webhooks", "optouts.jsonl");
        using var stream = File.OpenRead(fixture);
        var entries = Dialog360.MM.Core.Webhooks.WebhookReader.Read(stream, "optouts.jsonl", _ => throw new InvalidOperationException("unexpected read error"))
            .Select(e => SuppressionEntry.FromWebhook(e, T0)).Where(e => e != null).Select(e => e!).ToList();
        Assert.Equal(
            new[] { "add 447700900001 stop optouts.jsonl:1", "add 447700900002 131050 optouts.jsonl:2", "remove 447700900004 resume optouts.jsonl:4",
                    "add 447700900004 stop optouts.jsonl:5", "add 447700900006 stop optouts.jsonl:7" },
            entries.Select(e => $"{e.Action.ToString().ToLowerInvariant()} {e.Phone} {e.Reason} {e.Source}"));
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1750263700), entries[0].Time);

        var list = SuppressionList.Load(PathOf("webhooks.jsonl"));
        list.Append(entries);
        Assert.Equal(new[] { "447700900001", "447700900002", "447700900006" }, list.Entries.Select(e => e.Phone));
    }

    [Fact]
    public void Only_a_send_refused_with_131050_becomes_an_entry()
    {
        var refused = Dialog360.MM.Core.Campaigns.MMSendResult.Failed("447911123456", "spring_sale", "131050", "stopped", null, T0);
        var entry = Dialog360.MM.Core.Campaigns.SuppressionPolicy.Learned(refused)!;
        Assert.Equal((SuppressionAction.Add, "447911123456", "131050", "Send-MarketingMessage spring_sale", T0),
            (entry.Action, entry.Phone, entry.Reason, entry.Source, entry.Time));
        var skippedOnRerun = Dialog360.MM.Core.Campaigns.MMSendResult.Failed("447911123456", "spring_sale", "131050", "refused earlier", null, T0,
            Dialog360.MM.Core.Campaigns.SendStatus.Skipped);
        Assert.Equal("131050", Dialog360.MM.Core.Campaigns.SuppressionPolicy.Learned(skippedOnRerun)!.Reason);
        Assert.Null(Dialog360.MM.Core.Campaigns.SuppressionPolicy.Learned(Dialog360.MM.Core.Campaigns.MMSendResult.Failed("447911123456", "spring_sale", "131049", "limit", null, T0)));
        Assert.Null(Dialog360.MM.Core.Campaigns.SuppressionPolicy.Learned(Dialog360.MM.Core.Campaigns.MMSendResult.Failed("447911123456", "spring_sale", "Duplicate", "twice", null, T0,
            Dialog360.MM.Core.Campaigns.SendStatus.Skipped)));
        Assert.Null(Dialog360.MM.Core.Campaigns.SuppressionPolicy.Learned(new Dialog360.MM.Core.Campaigns.MMSendResult { To = "447911123456", Status = Dialog360.MM.Core.Campaigns.SendStatus.Accepted }));
    }

    [Fact]
    public async Task A_lookup_does_not_wait_while_a_writer_waits_for_the_file()
    {
        var path = PathOf("l.jsonl");
        var list = SuppressionList.Load(new FileStateStore(TimeSpan.FromSeconds(20)), path);
        list.Add(new[] { Stop("447911123456", 1) });
        var holder = FileLock.Acquire(path, "another campaign");
        Task<IReadOnlyList<SuppressionEntry>> writer;
        try
        {
            writer = Task.Run(() => list.Add(new[] { Stop("447911000001", 2) }));
            await Task.Delay(200); // the writer is now waiting for the FileLock
            var lookup = Task.Run(() => list.TryGet("447911123456", out _));
            Assert.True(await Finishes(lookup, TimeSpan.FromSeconds(2)), "TryGet waited for the file");
            Assert.True(await lookup);
            Assert.False(writer.IsCompleted);
        }
        finally { holder.Dispose(); }
        Assert.True(await Finishes(writer, TimeSpan.FromSeconds(20)), "the writer did not finish after the lock was released");
        Assert.True(list.TryGet("447911000001", out _));
    }

    /// <summary>Whether the task ends within the time, awaited rather than blocked on; its failure, if any, is thrown.</summary>
    private static async Task<bool> Finishes(Task task, TimeSpan within)
    {
        if (await Task.WhenAny(task, Task.Delay(within)) != task) return false;
        await task;
        return true;
    }
}
