using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Security;
using System.Text;
using System.Threading.Tasks;
using Azure.Storage.Blobs.Specialized;
using Dialog360.MM.Core.Campaigns;
using Dialog360.MM.Core.Files;
using Dialog360.MM.Core.State;
using Dialog360.MM.Storage.Azure;
using Microsoft.Extensions.Time.Testing;

namespace Dialog360.MM.Core.Tests.State.Azure;

/// <summary>The promises the files keep, kept by a storage container: against Azurite, over real HTTP.</summary>
public sealed class AzureStateStoreTests
{
    private static readonly CampaignIdentity Spring = new("spring_sale", "en", "MarketingMessages", "h:0123456789abcdef");

    private static JournalOutcome Result(string to, SendStatus status, string? id = null) =>
        new MMSendResult { To = to, Status = status, MessageId = id, TemplateName = "spring_sale", Attempts = 1 }.ToJournal();

    [Fact]
    public void A_journal_reopened_by_another_process_knows_accepted_failed_and_in_doubt_recipients()
    {
        var store = Azurite.NewStore();
        using (var journal = SendJournal.Open(store, "spring"))
        {
            journal.Claim(Spring);
            journal.WriteIntent("441", null, "spring_sale");
            journal.WriteOutcome(Result("441", SendStatus.Accepted, "wamid.1"));
            journal.WriteIntent("442", null, "spring_sale");
            journal.WriteOutcome(Result("442", SendStatus.Failed));
            journal.WriteIntent("443", null, "spring_sale"); // the job was stopped here
        }
        // Another "machine": a store object of its own, nothing shared in memory.
        var elsewhere = new AzureStateStore(store.ContainerForTests, TimeProvider.System);
        Assert.True(elsewhere.JournalExists("spring"));
        Assert.False(elsewhere.JournalExists("autumn"));
        using var reopened = SendJournal.Open(elsewhere, "spring");
        Assert.Equal(Spring, reopened.Campaign);
        Assert.Equal(JournalState.Accepted, reopened.StateOf("441", "spring_sale"));
        Assert.Equal(JournalState.Failed, reopened.StateOf("442", "spring_sale"));
        Assert.Equal(JournalState.InDoubt, reopened.StateOf("443", "spring_sale"));
        Assert.Null(reopened.TakenOverFrom); // the first run released its lock
        Assert.Throws<JournalMismatchException>(() => reopened.Claim(new CampaignIdentity("autumn_sale", "en", "MarketingMessages", Spring.Account)));
    }

    [Fact]
    public void A_run_whose_lease_may_have_lapsed_writes_nothing_more()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var store = Azurite.NewStore(time);
        using var journal = SendJournal.Open(store, "weekly", time: time);
        journal.WriteIntent("441", null, "spring_sale");
        time.Advance(BlobRunLock.LeaseDuration); // renewed on time: still writing
        journal.WriteIntent("442", null, "spring_sale");
        // From now on every renewal fails (the lease was broken, as when storage stops answering for the lease blob).
        store.ContainerForTests.GetBlobClient("locks/journals/weekly").GetBlobLeaseClient().Break(TimeSpan.Zero);
        time.Advance(BlobRunLock.LeaseDuration);
        var refused = Assert.ThrowsAny<JournalException>(() => journal.WriteIntent("443", null, "spring_sale"));
        Assert.Contains("may have lapsed", refused.ToString());
    }

    [Fact]
    public void Several_jobs_adding_to_one_suppression_list_at_once_lose_no_entry()
    {
        var store = Azurite.NewStore();
        const int jobs = 6, batches = 20, perBatch = 5;
        var now = DateTimeOffset.UtcNow;
        Parallel.For(0, jobs, new ParallelOptions { MaxDegreeOfParallelism = jobs }, job =>
        {
            var list = SuppressionList.Load(store, "optouts");
            for (var b = 0; b < batches; b++)
                list.Add(Enumerable.Range(0, perBatch).Select(i =>
                    SuppressionEntry.Suppress($"+4477009{job:D2}{b:D2}{i}", "stop", $"job {job}", now)).ToList());
        });
        var read = SuppressionList.Load(store, "optouts");
        Assert.Empty(read.Problems);
        Assert.Equal(jobs * batches * perBatch, read.Entries.Count);
    }

    [Fact]
    public void A_log_that_fills_a_blob_goes_on_in_the_next_and_reads_back_whole_and_in_order()
    {
        var store = Azurite.NewStore(maxBlocks: 4);
        var list = SuppressionList.Load(store, "optouts");
        var now = DateTimeOffset.UtcNow;
        for (var i = 0; i < 11; i++)
            list.Add(new[] { SuppressionEntry.Suppress($"+44770090{i:D4}", "stop", "test", now.AddSeconds(i)) });
        var segments = store.ContainerForTests.GetBlobs(prefix: "lists/optouts/").Select(b => b.Name).ToList();
        Assert.True(segments.Count >= 3, $"expected the list to span several blobs, got {string.Join(", ", segments)}");
        var read = SuppressionList.Load(new AzureStateStore(store.ContainerForTests, TimeProvider.System, 4), "optouts");
        Assert.Equal(11, read.Entries.Count);
        Assert.Equal(Enumerable.Range(0, 11).Select(i => $"44770090{i:D4}"), read.Entries.OrderBy(e => e.Line).Select(e => e.Phone));
    }

    [Fact]
    public void Appends_from_many_threads_are_committed_together_and_each_caller_returns_once_its_lines_are_stored()
    {
        var store = Azurite.NewStore();
        var log = store.SuppressionList("group").Log;
        // Threads of their own, started together: the thread pool may be busy with other tests.
        using var start = new System.Threading.Barrier(16);
        var threads = Enumerable.Range(0, 16).Select(t => new System.Threading.Thread(() =>
        {
            start.SignalAndWait();
            for (var i = t; i < 200; i += 16) log.AppendAsync(Encoding.UTF8.GetBytes($"{{\"n\":{i}}}\n")).GetAwaiter().GetResult();
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        var lines = Encoding.UTF8.GetString(log.ReadFrom(0)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(Enumerable.Range(0, 200).Select(i => $"{{\"n\":{i}}}").OrderBy(s => s), lines.OrderBy(s => s));
        var blocks = store.ContainerForTests.GetAppendBlobClient("lists/group/00000.jsonl").GetProperties().Value.BlobCommittedBlockCount;
        Assert.True(blocks < 200, $"200 appends from 16 threads took {blocks} blocks: they were not committed together");
    }

    [Fact]
    public void Storage_that_cannot_be_reached_is_a_clear_error_within_seconds()
    {
        var port = FreePort();
        var options = new AzureStateOptions
        {
            ConnectionString = Secure($"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={Convert.ToBase64String(new byte[64])};BlobEndpoint=http://127.0.0.1:{port}/devstoreaccount1;"),
        };
        var started = Stopwatch.StartNew();
        var error = Assert.Throws<StateUnavailableException>(() => AzureState.Open(options, check: true));
        Assert.InRange(started.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(30));
        Assert.Contains("could not be reached", error.Message);
        Assert.DoesNotContain("AccountKey", error.Message);
    }

    [Fact]
    public void Connecting_creates_the_container_and_a_wrong_key_is_refused_at_connect_time()
    {
        var name = "c" + Guid.NewGuid().ToString("N").Substring(0, 20);
        var store = AzureState.Open(new AzureStateOptions { ConnectionString = Secure(Azurite.ConnectionString), Container = name }, check: true);
        Assert.EndsWith("/" + name, store.Description);

        var wrongKey = System.Text.RegularExpressions.Regex.Replace(Azurite.ConnectionString, "AccountKey=[^;]+", "AccountKey=" + Convert.ToBase64String(new byte[64]));
        var refused = Assert.Throws<StateUnavailableException>(() =>
            AzureState.Open(new AzureStateOptions { ConnectionString = Secure(wrongKey), Container = name }, check: true));
        Assert.Contains("403", refused.Message);
        Assert.Contains("Check the connection string", refused.Message);
    }

    [Theory]
    [InlineData("Campaigns", "lowercase")]
    [InlineData("ab", "3 to 63")]
    [InlineData("a--b", "hyphen")]
    public void A_container_name_Azure_refuses_is_refused_before_any_request(string name, string reason)
    {
        var error = Assert.Throws<ArgumentException>(() =>
            AzureState.Open(new AzureStateOptions { ConnectionString = Secure(Azurite.ConnectionString), Container = name }, check: false));
        Assert.Contains(reason, error.Message);
    }

    [Theory]
    [InlineData("weekly-2026-49", null)]
    [InlineData("optouts.jsonl", null)]
    [InlineData("./weekly.jsonl", "it is a path")]
    [InlineData("C:\\data\\weekly.jsonl", "it is a path")]
    [InlineData("week 49", "holds ' '")]
    public void Journal_and_list_names_are_single_names_that_read_the_same_everywhere(string name, string? problem)
    {
        var found = StateNames.Problem(name);
        if (problem is null) Assert.Null(found);
        else Assert.Contains(problem, found);
    }

    private static SecureString Secure(string text)
    {
        var secure = new SecureString();
        foreach (var c in text) secure.AppendChar(c);
        secure.MakeReadOnly();
        return secure;
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try { return ((IPEndPoint)listener.LocalEndpoint).Port; }
        finally { listener.Stop(); }
    }
}

/// <summary>The run lock's waits take a lease's life (15 s), so these run beside the others rather than after them.</summary>
public sealed class AzureRunLockTests
{
    [Fact]
    public void A_second_run_is_refused_while_the_first_holds_the_journal_and_is_told_who_holds_it()
    {
        var store = Azurite.NewStore();
        using var first = SendJournal.Open(store, "weekly");
        var started = Stopwatch.StartNew();
        var refused = Assert.Throws<FileLockedException>(() => SendJournal.Open(store, "weekly"));
        // Refused after the takeover wait, not at once: a killed holder's lease would have lapsed by then.
        Assert.InRange(started.Elapsed, BlobRunLock.LeaseDuration, BlobRunLock.TakeOverWait + TimeSpan.FromSeconds(10));
        Assert.Equal(Environment.MachineName, refused.Holder!.Host);
        Assert.Equal(Environment.ProcessId, refused.Holder.ProcessId);
        Assert.Contains("in use by another run", refused.Message);
    }

    [Fact]
    public void A_killed_runs_journal_is_taken_over_by_the_next_run_within_a_minute_and_its_holder_is_reported()
    {
        var store = Azurite.NewStore();
        var container = store.ContainerForTests;
        // A run that was killed: its lock says "held" and its lease is never renewed.
        var lockBlob = container.GetBlobClient("locks/journals/weekly");
        lockBlob.Upload(BinaryData.Empty);
        var lease = lockBlob.GetBlobLeaseClient();
        lease.Acquire(BlobRunLock.LeaseDuration);
        lockBlob.SetMetadata(new Dictionary<string, string>
            { ["host"] = "worker-7", ["pid"] = "4242", ["started"] = "2026-12-01T09:00:00.0000000+00:00", ["purpose"] = "Send-MarketingMessage", ["state"] = "held" },
            new global::Azure.Storage.Blobs.Models.BlobRequestConditions { LeaseId = lease.LeaseId });

        var started = Stopwatch.StartNew();
        using var next = SendJournal.Open(store, "weekly");
        Assert.InRange(started.Elapsed, TimeSpan.Zero, TimeSpan.FromMinutes(1));
        Assert.Equal("worker-7", next.TakenOverFrom!.Host);
        Assert.Equal(4242, next.TakenOverFrom.ProcessId);
    }
}
