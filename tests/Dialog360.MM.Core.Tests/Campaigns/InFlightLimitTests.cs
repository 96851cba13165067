using System;
using System.Collections.Generic;
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
        var limit = new InFlightLimit(1000, ceiling: 1000);
        Assert.Equal(1000, limit.Limit); // nothing measured yet: only the ceiling
        limit.Observe(TimeSpan.FromMilliseconds(250));
        Assert.Equal(565, limit.Limit); // 1000 × (0.25 × 1.25 + 0.25) + 2: the first answer sets the latency
        for (var i = 0; i < 200; i++) limit.Observe(TimeSpan.FromMilliseconds(250));
        Assert.Equal(565, limit.Limit);
        for (var i = 0; i < 200; i++) limit.Observe(TimeSpan.FromSeconds(5));
        Assert.Equal(1000, limit.Limit);

        var slow = new InFlightLimit(80, ceiling: 1000);
        slow.Observe(TimeSpan.FromMilliseconds(50));
        Assert.Equal(27, slow.Limit); // 80 × (0.05 × 1.25 + 0.25) + 2: no more connections than the rate needs
    }

    [Theory]
    [InlineData(1000, 250)]
    [InlineData(1000, 400)]
    [InlineData(1000, 900)]
    [InlineData(80, 2000)]
    public void The_first_second_reaches_the_rate_whatever_the_latency(double rate, int latencyMs)
    {
        // The pace lets one request go every 1/rate s when a place on the wire is free; each is answered latencyMs later.
        var limit = new InFlightLimit(rate, ceiling: 1000);
        var latency = TimeSpan.FromMilliseconds(latencyMs);
        var answers = new Queue<double>();
        var sent = 0;
        for (var slot = 0; slot < rate; slot++)
        {
            var now = slot / rate;
            while (answers.Count > 0 && answers.Peek() <= now)
            {
                answers.Dequeue();
                limit.Observe(latency);
                limit.Exit();
            }
            if (limit.Count >= limit.Limit) continue; // no place: the slot goes unused
            Assert.True(limit.EnterAsync(CancellationToken.None).IsCompleted);
            answers.Enqueue(now + latency.TotalSeconds);
            sent++;
        }
        Assert.Equal(rate, sent);
    }

    [Fact]
    public void A_latency_spike_of_a_quarter_second_does_not_hold_back_the_rate()
    {
        // 80 msg/s at 50 ms needs 4 on the wire; answers that take 250 ms for a moment need 20.
        var limit = new InFlightLimit(80, ceiling: 1000);
        for (var i = 0; i < 100; i++) limit.Observe(TimeSpan.FromMilliseconds(50));
        Assert.True(limit.Limit >= 80 * 0.25, $"limit {limit.Limit}");
    }

    [Fact]
    public async Task A_request_waits_at_the_limit_and_goes_when_one_leaves_the_wire()
    {
        var limit = new InFlightLimit(10, ceiling: 2);
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
    private static readonly TimeSpan OnTime = TimeSpan.Zero;

    /// <summary>The most releases within any span of <paramref name="window"/> (sliding over every release).</summary>
    private static int Worst(IEnumerable<TimeSpan> releases, TimeSpan window)
    {
        var sorted = releases.OrderBy(t => t).ToList();
        var worst = 0;
        for (int start = 0, end = 0; end < sorted.Count; end++)
        {
            while (sorted[end] - sorted[start] >= window) start++;
            worst = Math.Max(worst, end - start + 1);
        }
        return worst;
    }

    private static int WorstSecond(IEnumerable<TimeSpan> releases) => Worst(releases, TimeSpan.FromSeconds(1));

    private static TimeSpan Ms(double ms) => TimeSpan.FromMilliseconds(ms);

    [Theory]
    [InlineData(80)]
    [InlineData(1000)]
    [InlineData(2.5)]
    public void No_second_holds_more_than_the_rate_and_catching_up_never_bursts_whatever_the_callers_and_timers_do(double rate)
    {
        var clock = new SteppingClock();
        var limiter = new RateLimiter(rate, clock);
        var random = new Random(42);
        // About once a second something happens (the worst case is a catch-up followed by a second on time):
        // a timer fires after a stall of the whole process, a caller comes late or after a pause, or several come
        // together (retries). Otherwise timers fire on time or a millisecond late (timer slack).
        bool Now(double perSecond) => random.NextDouble() < perSecond / rate;
        TimeSpan Late() => Now(1) ? Ms(15 + random.Next(100)) : Ms(random.Next(3) == 0 ? random.NextDouble() : 0);
        var releases = new List<TimeSpan>();
        for (var i = 0; i < Math.Max(60, rate * 12); i++)
        {
            clock.Advance(Now(1) ? Ms(random.Next(2) == 0 ? random.Next(40) : 200 + random.Next(2000)) : OnTime);
            var callers = Now(0.5) ? 4 : 1;
            releases.AddRange(clock.Run(Enumerable.Range(0, callers).Select(_ => limiter.WaitAsync(CancellationToken.None)).ToList(), Late));
        }
        Assert.InRange(WorstSecond(releases), 1, (int)Math.Ceiling(rate));
        // Catching up goes at twice the rate at most: 5 ms hold no more than twice their share (one at low rates).
        Assert.InRange(Worst(releases, RateLimiter.Burst), 1, Math.Max(1, (int)(2 * rate * RateLimiter.Burst.TotalSeconds)));
    }

    [Fact]
    public void Callers_that_are_always_ready_get_the_rate_and_a_stall_shorter_than_MaxLag_is_made_up()
    {
        var clock = new SteppingClock();
        var limiter = new RateLimiter(1000, clock);
        var count = 0;
        // Timers up to 2 ms late, and every 500th wait a stall of 40 ms (a garbage collection, a busy machine).
        TimeSpan Late() => ++count % 500 == 0 ? Ms(40) : Ms(count % 3);
        var releases = Enumerable.Range(0, 5000).Select(_ => clock.Run(limiter.WaitAsync(CancellationToken.None), Late)).ToList();
        var mean = (releases.Count - 1) / (releases[^1] - releases[0]).TotalSeconds;
        Assert.InRange(mean, 990, 1000.5);
        Assert.InRange(WorstSecond(releases), 1, 1000);
    }

    [Fact]
    public void After_a_pause_callers_catch_up_MaxLag_worth_of_slots_at_twice_the_rate_and_no_more()
    {
        var clock = new SteppingClock();
        var limiter = new RateLimiter(1000, clock);
        clock.Run(limiter.WaitAsync(CancellationToken.None), () => OnTime);
        clock.Advance(TimeSpan.FromSeconds(2)); // idle: 2,000 slots go by unused
        var waits = Enumerable.Range(0, 600).Select(_ => limiter.WaitAsync(CancellationToken.None)).ToList();
        Assert.InRange(waits.Count(t => t.IsCompleted), 1, 10); // not a burst of what was missed
        var releases = clock.Run(waits, () => OnTime).Select(t => t - TimeSpan.FromSeconds(2)).OrderBy(t => t).ToList();
        // MaxLag (250 ms) of missed slots are made up at two a millisecond, then the pace resumes: 500 in the first
        // 250 ms, the other 100 one a millisecond. (Making up the whole pause: 300 ms; none of it: 600 ms.)
        Assert.InRange(releases[^1], Ms(349), Ms(351));
        Assert.InRange(Worst(releases, RateLimiter.Burst), 1, 10);
    }
}
