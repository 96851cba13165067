using System;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;

namespace Dialog360.MM.Core.Campaigns;

/// <summary>
/// Paces requests to a steady rate: each caller reserves the next slot (1/rate apart) and waits for it. No bursts, so
/// the rate over any second stays within a few percent of the target — the API counts per second, and a burst after a
/// pause would hit 130429. Slots are kept in TimeSpan ticks (100 ns): Stopwatch ticks are nanoseconds on Linux, and
/// converting a wait of minutes from them overflowed a long (0.1 msg/s broke the workers). Written on the BCL rather
/// than a package: every extra assembly can clash with another module's copy in a shared PowerShell session.
/// </summary>
public sealed class RateLimiter
{
    private readonly long _interval;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private long _nextSlot;

    public RateLimiter(double perSecond)
    {
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
            var now = _clock.Elapsed.Ticks;
            var next = Interlocked.Read(ref _nextSlot);
            // An idle limiter does not bank slots: after a pause the rate resumes, it does not burst.
            slot = Math.Max(next, now);
            if (Interlocked.CompareExchange(ref _nextSlot, slot + _interval, next) == next) break;
        }
        var wait = slot - _clock.Elapsed.Ticks;
        return wait <= 0 ? Task.CompletedTask : Task.Delay(TimeSpan.FromTicks(wait), cancellationToken);
    }
}
