using System;
using System.Threading;
using System.Threading.Tasks;

namespace Dialog360.MM.Core.Campaigns;

/// <summary>
/// Paces requests to a steady rate: each caller reserves the next slot (1/rate apart) and waits for it. The schedule
/// stays anchored: a caller that comes late (timers wake a millisecond or so after they are due, which at 1,000 msg/s
/// would cost a third of the rate) takes the slot it missed, but never one more than <see cref="MaxLag"/> in the past,
/// so after a pause the rate resumes instead of bursting. Any one second therefore holds at most the rate plus
/// MaxLag's worth of slots (1 %): the API counts per second, and a burst would hit 130429. Slots are kept in TimeSpan
/// ticks (100 ns): Stopwatch ticks are nanoseconds on Linux, and converting a wait of minutes from them overflowed a
/// long (0.1 msg/s broke the workers). Its own code rather than System.Threading.RateLimiting: that package's limiters
/// replenish tokens per period, so a period's worth can leave at once, and a burst within a second is what 130429 punishes.
/// </summary>
internal sealed class RateLimiter
{
    /// <summary>How far behind the schedule a late caller may catch up.</summary>
    public static readonly TimeSpan MaxLag = TimeSpan.FromMilliseconds(10);

    private readonly long _interval;
    private readonly TimeProvider _time;
    private readonly long _start;
    private long _nextSlot;

    public RateLimiter(double perSecond, TimeProvider? time = null)
    {
        _time = time ?? TimeProvider.System;
        _start = _time.GetTimestamp();
        if (perSecond <= 0 || double.IsNaN(perSecond) || double.IsInfinity(perSecond))
            throw new ArgumentOutOfRangeException(nameof(perSecond), "The rate must be above 0.");
        PerSecond = perSecond;
        _interval = Math.Max(1, (long)Math.Round(TimeSpan.TicksPerSecond / perSecond));
    }

    public double PerSecond { get; }

    /// <summary>The time between two slots.</summary>
    public TimeSpan Interval => TimeSpan.FromTicks(_interval);

    public Task WaitAsync(CancellationToken cancellationToken)
    {
        long slot;
        while (true)
        {
            var now = _time.GetElapsedTime(_start).Ticks;
            var next = Interlocked.Read(ref _nextSlot);
            // Late by a timer's slack: take the missed slot. Idle for longer: bank no more than MaxLag.
            slot = Math.Max(next, now - MaxLag.Ticks);
            if (Interlocked.CompareExchange(ref _nextSlot, slot + _interval, next) == next) break;
        }
        var wait = slot - _time.GetElapsedTime(_start).Ticks;
        return wait <= 0 ? Task.CompletedTask : _time.Delay(TimeSpan.FromTicks(wait), cancellationToken);
    }
}
