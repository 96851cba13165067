using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Dialog360.MM.Core.Campaigns;

namespace Dialog360.MM.Core.Tests.Campaigns;

public class InFlightLimitTests
{
    [Fact]
    public void The_limit_follows_rate_times_measured_latency_with_headroom_and_stays_under_the_ceiling()
    {
        var limit = new InFlightLimit(1000, ceiling: 1000, initialLatency: TimeSpan.FromMilliseconds(50));
        Assert.Equal(65, limit.Limit); // 1000 × 0.05 × 1.25 + 2
        limit.Observe(TimeSpan.FromMilliseconds(250));
        Assert.Equal(315, limit.Limit); // the first answer replaces the guess: 1000 × 0.25 × 1.25 + 2 = 314.5
        for (var i = 0; i < 200; i++) limit.Observe(TimeSpan.FromMilliseconds(250));
        Assert.Equal(315, limit.Limit);
        for (var i = 0; i < 200; i++) limit.Observe(TimeSpan.FromSeconds(5));
        Assert.Equal(1000, limit.Limit);

        var slow = new InFlightLimit(80, ceiling: 1000, initialLatency: TimeSpan.FromMilliseconds(50));
        Assert.Equal(7, slow.Limit); // 80 × 0.05 × 1.25 + 2: no more connections than the rate needs
    }

    [Fact]
    public async Task A_request_waits_at_the_limit_and_goes_when_one_leaves_the_wire()
    {
        var limit = new InFlightLimit(10, ceiling: 2, initialLatency: TimeSpan.FromSeconds(1));
        Assert.Equal(2, limit.Limit);
        await limit.EnterAsync(CancellationToken.None);
        await limit.EnterAsync(CancellationToken.None);
        var third = limit.EnterAsync(CancellationToken.None);
        await Task.Delay(50);
        Assert.False(third.IsCompleted);
        limit.Exit();
        await third.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(2, limit.Count);

        using var stop = new CancellationTokenSource();
        var fourth = limit.EnterAsync(stop.Token);
        stop.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => fourth.WaitAsync(TimeSpan.FromSeconds(5)));
    }
}

public class RateLimiterTests
{
    [Fact]
    public async Task After_a_pause_a_late_caller_catches_up_at_most_MaxLag_worth_of_slots()
    {
        var limiter = new RateLimiter(1000);
        await limiter.WaitAsync(CancellationToken.None);
        await Task.Delay(200); // idle: 200 slots go by unused
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var waits = new Task[100];
        for (var i = 0; i < waits.Length; i++) waits[i] = limiter.WaitAsync(CancellationToken.None);
        var immediate = waits.Count(t => t.IsCompleted);
        // Banked: MaxLag (10 ms = 10 slots), the slot due now and the next (a wait under a millisecond does not sleep),
        // plus whatever time the loop itself took. Without the cap it would be all 100.
        Assert.InRange(immediate, 1, 12 + (int)clock.ElapsedMilliseconds);
        await Task.WhenAll(waits).WaitAsync(TimeSpan.FromSeconds(5));
    }
}
