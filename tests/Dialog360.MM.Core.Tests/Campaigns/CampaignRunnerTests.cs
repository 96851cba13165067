using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Dialog360.MM.Core.Api;
using Dialog360.MM.Core.Campaigns;
using Dialog360.MM.Core.State;
using Dialog360.MM.Emulator;
using Dialog360.MM.Core.Messages;

namespace Dialog360.MM.Core.Tests.Campaigns;

public sealed class CampaignRunnerTests : IDisposable
{
    private readonly MarketingApiEmulator _emulator = new(new EmulatorOptions { ApiKey = "k" });
    private readonly ApiClient _client;

    public CampaignRunnerTests()
    {
        _emulator.Start();
        _client = new ApiClient(_emulator.BaseUri, ApiKey.FromPlainText("k"));
    }

    public void Dispose()
    {
        _client.Dispose();
        _emulator.Dispose();
    }

    private List<CampaignOutcome> Run(IEnumerable<string> numbers, CampaignOptions? options = null, SendJournal? journal = null)
    {
        using var runner = new RunnerProbe(_client, options ?? new CampaignOptions { MessagesPerSecond = 1000, RetryBaseDelay = TimeSpan.FromMilliseconds(10) }, journal, CancellationToken.None);
        foreach (var n in numbers) Assert.True(runner.TryAdd(new TemplateMessage(n, "welcome_offer"), n, TimeSpan.FromSeconds(10)));
        runner.Complete();
        Assert.True(runner.WaitForAll(TimeSpan.FromSeconds(30)));
        var outcomes = new List<CampaignOutcome>();
        while (runner.TryTakeOutcome(out var o)) outcomes.Add(o);
        return outcomes;
    }

    [Fact]
    public void Every_message_yields_exactly_one_outcome_and_one_accepted_send()
    {
        var numbers = Enumerable.Range(1, 500).Select(i => $"447911{i:D6}").ToList();
        var outcomes = Run(numbers, new CampaignOptions { ThrottleLimit = 4, MessagesPerSecond = 5000 });
        Assert.Equal(numbers.OrderBy(n => n), outcomes.Select(o => o.Result.To).OrderBy(n => n));
        Assert.All(outcomes, o => Assert.Equal(SendStatus.Accepted, o.Result.Status));
        Assert.All(numbers, n => Assert.Equal(1, _emulator.AcceptedCount(n)));
    }

    [Fact]
    public void Retryable_failures_are_retried_and_a_dropped_answer_is_Unknown_and_not_resent()
    {
        _emulator.Options.Faults["447911000001"] = new Queue<int>(new[] { 503, 429 });
        _emulator.Options.Faults["447911000002"] = new Queue<int>(new[] { 0 });
        _emulator.Options.FailRecipients["447911000003"] = 131050;
        var outcomes = Run(new[] { "447911000001", "447911000002", "447911000003" }).ToDictionary(o => o.Result.To);

        Assert.Equal(SendStatus.Accepted, outcomes["447911000001"].Result.Status);
        Assert.Equal(3, outcomes["447911000001"].Result.Attempts);
        Assert.Equal(SendStatus.Unknown, outcomes["447911000002"].Result.Status);
        Assert.Equal(1, outcomes["447911000002"].Result.Attempts);
        Assert.Equal(1, _emulator.AcceptedCount("447911000002"));
        Assert.Equal(SendStatus.Failed, outcomes["447911000003"].Result.Status);
        Assert.Equal("131050", outcomes["447911000003"].Result.ErrorCode);
        Assert.Equal(1, outcomes["447911000003"].Result.Attempts);
        Assert.IsType<ApiException>(outcomes["447911000003"].Error);
    }

    [Fact]
    public void A_timeout_is_Unknown_and_not_retried()
    {
        _emulator.Options.Latency = TimeSpan.FromSeconds(2);
        using var slow = new ApiClient(_emulator.BaseUri, ApiKey.FromPlainText("k"), new ApiClientOptions { RequestTimeout = TimeSpan.FromMilliseconds(200) });
        using var runner = new RunnerProbe(slow, new CampaignOptions { MaxRetries = 3 }, null, CancellationToken.None);
        runner.TryAdd(new TemplateMessage("447911000009", "welcome_offer"), "447911000009", TimeSpan.FromSeconds(1));
        runner.Complete();
        Assert.True(runner.WaitForAll(TimeSpan.FromSeconds(10)));
        Assert.True(runner.TryTakeOutcome(out var outcome));
        Assert.Equal(SendStatus.Unknown, outcome.Result.Status);
        Assert.Equal("Timeout", outcome.Result.ErrorCode);
        Assert.Equal(1, outcome.Result.Attempts);
    }

    [Fact]
    public void Retry_waits_honour_Retry_After_and_back_off_with_jitter_otherwise()
    {
        var policy = new RetryPolicy(3, TimeSpan.FromMilliseconds(100));
        Assert.Equal(TimeSpan.FromSeconds(7), policy.DelayBefore(1, new ApiException(429, 130429, "m", retryAfter: TimeSpan.FromSeconds(7))));
        var third = policy.DelayBefore(3, new ApiException(503, null, "m"));
        Assert.InRange(third.TotalMilliseconds, 200, 400);
    }
}
