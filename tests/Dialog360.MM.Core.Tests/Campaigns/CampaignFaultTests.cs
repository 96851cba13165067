using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Dialog360.MM.Core.Api;
using Dialog360.MM.Core.Campaigns;
using Dialog360.MM.Core.State;
using Dialog360.MM.Core.Http;
using Dialog360.MM.Core.Messages;

namespace Dialog360.MM.Core.Tests.Campaigns;

/// <summary>
/// The engine against a scripted API on loopback: each answer is chosen per recipient and attempt, so every fault a
/// gateway or the API can produce is tried on its own. Every wait is bounded: a regression fails, it does not stall CI.
/// </summary>
public sealed class CampaignFaultTests : IDisposable
{
    private const string Accepted = "{\"messaging_product\":\"whatsapp\",\"contacts\":[{\"input\":\"x\",\"wa_id\":\"x\"}],\"messages\":[{\"id\":\"wamid.ok\",\"message_status\":\"accepted\"}]}";
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);
    private readonly ConcurrentDictionary<string, int> _requests = new();
    private readonly LoopbackHttpServer _server;
    private readonly ApiClient _client;
    private readonly string _journalPath = Path.Combine(Path.GetTempPath(), "faults-" + Guid.NewGuid().ToString("N") + ".journal");
    private Func<string, int, (int Status, string Body)> _answer = (_, _) => (200, Accepted);

    public CampaignFaultTests()
    {
        _server = new LoopbackHttpServer(HandleAsync);
        _server.Start(0, "scripted API");
        _client = new ApiClient(new Uri($"http://127.0.0.1:{_server.Port}/"), ApiKey.FromPlainText("test-key-0001"));
    }

    public void Dispose()
    {
        _client.Dispose();
        _server.Stop();
        File.Delete(_journalPath);
        File.Delete(_journalPath + ".lock");
    }

    private Task<LoopbackResponse> HandleAsync(LoopbackRequest request)
    {
        var to = JsonDocument.Parse(request.Body).RootElement.GetProperty("to").GetString()!;
        var attempt = _requests.AddOrUpdate(to, 1, (_, n) => n + 1);
        var (status, answer) = _answer(to, attempt);
        return Task.FromResult(new LoopbackResponse(status, Encoding.UTF8.GetBytes(answer), "application/json"));
    }

    private static CampaignOptions Fast => new() { MessagesPerSecond = 1000, RetryBaseDelay = TimeSpan.FromMilliseconds(5), ThrottleLimit = 8 };

    private List<CampaignOutcome> Run(IEnumerable<string> numbers, CampaignOptions? options = null, SendJournal? journal = null)
    {
        using var runner = new RunnerProbe(_client, options ?? Fast, journal, CancellationToken.None);
        foreach (var n in numbers)
            if (!runner.TryAdd(new TemplateMessage(n, "welcome_offer"), n, Bound)) break; // a stopped run takes no more
        runner.Complete();
        Assert.True(runner.WaitForAll(Bound), "the run did not end");
        var outcomes = new List<CampaignOutcome>();
        while (runner.TryTakeOutcome(out var o)) outcomes.Add(o);
        return outcomes;
    }

    private static string Graph(int code, string message) =>
        $"{{\"error\":{{\"message\":\"{message}\",\"type\":\"OAuthException\",\"code\":{code},\"error_data\":{{\"messaging_product\":\"whatsapp\",\"details\":\"{message}\"}},\"fbtrace_id\":\"A1\"}}}}";

    [Theory]
    [InlineData(500)]
    [InlineData(502)]
    [InlineData(504)]
    public void A_gateway_error_is_in_doubt_and_never_resent(int status)
    {
        _answer = (_, _) => (status, "<html>Bad Gateway</html>");
        var outcome = Assert.Single(Run(new[] { "447911000001" }));
        Assert.Equal(SendStatus.Unknown, outcome.Result.Status);
        Assert.IsType<SendInDoubtException>(outcome.Error);
        Assert.Equal(1, outcome.Result.Attempts);
        Assert.Equal(1, _requests["447911000001"]);
    }

    [Fact]
    public void Unavailable_and_rate_limited_answers_are_retried_until_accepted()
    {
        _answer = (to, attempt) => attempt switch
        {
            1 => (503, "{\"error\":\"Service Unavailable\"}"),
            2 => (429, Graph(130429, "Rate limit hit")),
            _ => (200, Accepted),
        };
        var outcome = Assert.Single(Run(new[] { "447911000002" }));
        Assert.Equal(SendStatus.Accepted, outcome.Result.Status);
        Assert.Equal(3, outcome.Result.Attempts);
    }

    [Fact]
    public void Template_unavailable_as_HTTP_500_is_a_clear_failure_and_not_retried()
    {
        _answer = (_, _) => (500, Graph(134102, "Template is unavailable or business is not eligible"));
        var outcome = Assert.Single(Run(new[] { "447911000003" }));
        Assert.Equal(SendStatus.Failed, outcome.Result.Status);
        Assert.Equal("134102", outcome.Result.ErrorCode);
        Assert.IsType<ApiException>(outcome.Error);
        Assert.Equal(1, _requests["447911000003"]);
    }

    [Theory]
    [InlineData("{\"messages\":[{\"id\":123}]}")]
    [InlineData("[]")]
    [InlineData("{}")]
    [InlineData("{\"messages\":[]}")]
    [InlineData("{\"messages\":[{\"id\":\"\"}]}")]
    [InlineData("OK")]
    public void A_success_status_without_a_clear_acceptance_is_in_doubt_and_the_run_goes_on(string body)
    {
        _answer = (to, _) => to.EndsWith("0", StringComparison.Ordinal) ? (200, body) : (200, Accepted);
        var numbers = Enumerable.Range(1, 40).Select(i => $"4479110001{i:D2}").ToList();
        var outcomes = Run(numbers);
        Assert.Equal(40, outcomes.Count);
        Assert.All(outcomes, o => Assert.Equal(o.Result.To.EndsWith("0", StringComparison.Ordinal) ? SendStatus.Unknown : SendStatus.Accepted, o.Result.Status));
        Assert.All(_requests.Values, n => Assert.Equal(1, n));
    }

    [Fact]
    public void A_journal_that_cannot_be_written_stops_the_run_and_nothing_unjournaled_is_sent()
    {
        var intents = new ConcurrentBag<string>();
        using var journal = SendJournal.Open(_journalPath, new Dialog360.MM.Core.Tests.State.StreamLog(_journalPath, new CountdownStream(allowedWrites: 6, intents)));
        var numbers = Enumerable.Range(1, 50).Select(i => $"4479110002{i:D2}").ToList();
        using var runner = new RunnerProbe(_client, Fast, journal, CancellationToken.None);
        var queued = numbers.TakeWhile(n => runner.TryAdd(new TemplateMessage(n, "welcome_offer"), n, TimeSpan.FromSeconds(2))).Count();
        runner.Complete();
        Assert.True(runner.WaitForAll(Bound), "the run did not end");
        Assert.NotNull(runner.JournalFailure);
        // Every request that reached the API had its intent journaled first.
        Assert.All(_requests.Keys, to => Assert.Contains(to, intents));
        Assert.True(_requests.Count < numbers.Count);
    }

    [Fact]
    public void An_exception_nobody_expected_ends_its_message_not_the_run()
    {
        // The account's client disposed mid-run (Disconnect-MMAccount in another runspace): every later send throws
        // ObjectDisposedException, which no retry rule knows. Each message still gets one outcome, and the run ends.
        var numbers = Enumerable.Range(1, 60).Select(i => $"4479110004{i:D2}").ToList();
        using var runner = new RunnerProbe(_client, new CampaignOptions { MessagesPerSecond = 200, ThrottleLimit = 4 }, null, CancellationToken.None);
        foreach (var n in numbers) Assert.True(runner.TryAdd(new TemplateMessage(n, "welcome_offer"), n, Bound));
        runner.Complete();
        Assert.True(SpinWait.SpinUntil(() => runner.Completed >= 5, Bound));
        _client.Dispose();
        Assert.True(runner.WaitForAll(Bound), "the run did not end");
        Assert.Null(runner.WorkerFault);
        Assert.Equal(numbers.Count, runner.Completed);
        var outcomes = new List<CampaignOutcome>();
        while (runner.TryTakeOutcome(out var o)) outcomes.Add(o);
        Assert.Equal(numbers.OrderBy(n => n), outcomes.Select(o => o.Result.To).OrderBy(n => n));
        Assert.Contains(outcomes, o => o.Result.Status != SendStatus.Accepted);
    }

    [Fact]
    public void The_intent_is_journaled_when_the_request_leaves_not_while_it_waits_for_its_slot()
    {
        var numbers = Enumerable.Range(1, 5).Select(i => $"4479110003{i:D2}").ToList();
        using (var journal = SendJournal.Open(_journalPath))
        {
            using var runner = new RunnerProbe(_client, new CampaignOptions { MessagesPerSecond = 0.5, ThrottleLimit = 8 }, journal, CancellationToken.None);
            foreach (var n in numbers) Assert.True(runner.TryAdd(new TemplateMessage(n, "welcome_offer"), n, Bound));
            // The first slot is now; the next is two seconds later: stop once the first request has arrived.
            Assert.True(SpinWait.SpinUntil(() => !_requests.IsEmpty, Bound), "the first request never arrived");
            runner.Stop();
            Assert.True(runner.WaitForAll(Bound));
        }
        using var reopened = SendJournal.Open(_journalPath);
        // One slot came before the stop; the four recipients still waiting for theirs left no trace.
        var states = numbers.Select(n => reopened.StateOf(n, "welcome_offer")).ToList();
        Assert.Equal(1, states.Count(s => s == JournalState.Accepted));
        Assert.Equal(4, states.Count(s => s == JournalState.New));
    }

    [Fact]
    public async Task A_slow_rate_with_many_waiters_computes_its_delays_without_overflow()
    {
        // At 0.1 msg/s the 200th slot is 33 minutes ahead: in Stopwatch nanoseconds times TimeSpan ticks that overflowed.
        var limiter = new RateLimiter(0.1);
        using var stop = new CancellationTokenSource();
        var waits = Enumerable.Range(0, 200).Select(_ => limiter.WaitAsync(stop.Token)).ToList();
        stop.Cancel();
        foreach (var wait in waits.Skip(1))
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => wait);
        Assert.Equal(TimeSpan.FromSeconds(10), limiter.Interval);
    }

    [Theory]
    [InlineData(429, "Retry")]
    [InlineData(503, "Retry")]
    [InlineData(500, "InDoubt")]
    [InlineData(502, "InDoubt")]
    [InlineData(504, "InDoubt")]
    [InlineData(400, "Fail")]
    public void Failures_are_classified_by_whether_the_message_can_have_been_delivered(int status, string expected) =>
        Assert.Equal(Enum.Parse<FailureDecision>(expected), RetryPolicy.Classify(new ApiException(status, null, "m")));

    [Fact]
    public void Transport_failures_are_retried_only_when_the_request_never_left()
    {
        Assert.Equal(FailureDecision.Retry, RetryPolicy.Classify(new ApiTransportException("refused", false, requestMayHaveBeenSent: false)));
        Assert.Equal(FailureDecision.InDoubt, RetryPolicy.Classify(new ApiTransportException("timeout", true, requestMayHaveBeenSent: true)));
        Assert.Equal(FailureDecision.Fail, RetryPolicy.Classify(new ApiException(500, 134102, "Template is unavailable")));
        Assert.Equal(FailureDecision.Fail, RetryPolicy.Classify(new ApiException(400, 131049, "m")));
        Assert.Equal(FailureDecision.Fail, new RetryPolicy(2).Decide(new ApiException(503, null, "m"), attempts: 3));
    }

    /// <summary>A disk that fills up: the first writes go through, then every write fails. Records the intents that made it.</summary>
    private sealed class CountdownStream : MemoryStream
    {
        private readonly ConcurrentBag<string> _intents;
        private int _allowed;

        public CountdownStream(int allowedWrites, ConcurrentBag<string> intents)
        {
            _allowed = allowedWrites;
            _intents = intents;
        }

        public override void Write(byte[] buffer, int offset, int count)
        {
            if (Interlocked.Decrement(ref _allowed) < 0) throw new IOException("No space left on device");
            using var line = JsonDocument.Parse(new ReadOnlyMemory<byte>(buffer, offset, count));
            if (line.RootElement.GetProperty("kind").GetString() == "intent") _intents.Add(line.RootElement.GetProperty("to").GetString()!);
            base.Write(buffer, offset, count);
        }
    }
}
