using System;
using System.Threading;
using System.Threading.Tasks;

namespace Dialog360.MM.Core.Campaigns;

/// <summary>
/// Paces requests to a steady rate, and never lets one second hold more than the rate. The rules:
/// <list type="bullet">
/// <item>The schedule: slots 1/rate apart, from the first caller on; each caller reserves the next slot.</item>
/// <item>Catching up: a caller that comes late (a timer wakes a millisecond after it is due; a garbage collection or a
/// busy machine stalls the process for tens; a connection takes a while to open) takes the slots it missed, none
/// further back than <see cref="MaxLag"/> (a pause is not made up), at up to twice the rate, never in a burst: a burst
/// is what turns a few milliseconds of jitter on the way to the API into a second above the rate, and a burst let
/// through once comes back a second later, when it leaves the window.</item>
/// <item>Both limits are checked on the clock when the caller goes, not when it reserved, against a log of the last
/// ⌈rate⌉ release times: fewer than ⌈rate⌉ in the second before (the API counts per second, and a second above the
/// rate is what 130429 punishes), and fewer than twice the rate's share of the last <see cref="Burst"/>. So neither
/// catching up nor a timer that fires late can break them.</item>
/// </list>
/// Times are TimeSpan ticks (100 ns) since construction: Stopwatch ticks are nanoseconds on Linux, and converting a
/// wait of minutes from them overflowed a long (0.1 msg/s broke the workers). Its own code rather than
/// System.Threading.RateLimiting: that package's limiters replenish tokens per period, so a whole period's worth can
/// leave at once and two periods' worth can fall into one second.
/// </summary>
internal sealed class RateLimiter
{
    /// <summary>How far behind the schedule a late caller may catch up unless told otherwise.</summary>
    public static readonly TimeSpan DefaultMaxLag = TimeSpan.FromMilliseconds(250);

    /// <summary>The span in which at most twice the rate's share may go (at least one caller).</summary>
    public static readonly TimeSpan Burst = TimeSpan.FromMilliseconds(5);

    private static readonly long Window = TimeSpan.TicksPerSecond;
    private readonly object _gate = new();
    private readonly long _interval;
    private readonly long _maxLag;
    private readonly TimeProvider _time;
    private readonly long _start;
    private readonly long[] _released; // the last PerSecondAtMost release times, a ring from _oldest
    private readonly int _perBurst;
    private int _count, _oldest;
    private bool _scheduled;
    private long _nextSlot, _lastDue;

    /// <param name="maxLag">How far behind the schedule a late caller may catch up (<see cref="DefaultMaxLag"/>).</param>
    public RateLimiter(double perSecond, TimeProvider? time = null, TimeSpan? maxLag = null)
    {
        if (perSecond <= 0 || double.IsNaN(perSecond) || double.IsInfinity(perSecond))
            throw new ArgumentOutOfRangeException(nameof(perSecond), "The rate must be above 0.");
        MaxLag = maxLag ?? DefaultMaxLag;
        _maxLag = MaxLag.Ticks;
        _time = time ?? TimeProvider.System;
        _start = _time.GetTimestamp();
        PerSecond = perSecond;
        _interval = Math.Max(1, (long)Math.Round(TimeSpan.TicksPerSecond / perSecond));
        // The cmdlet allows up to 10,000 msg/s: the log stays within 80 KB.
        PerSecondAtMost = (int)Math.Min(int.MaxValue, Math.Ceiling(perSecond));
        _released = new long[PerSecondAtMost];
        _perBurst = (int)Math.Max(1, Math.Min(PerSecondAtMost, Math.Floor(2 * perSecond * Burst.TotalSeconds)));
    }

    public double PerSecond { get; }

    public TimeSpan MaxLag { get; }

    /// <summary>The most callers released within any one second: the rate, rounded up.</summary>
    public int PerSecondAtMost { get; }

    /// <summary>The time between two slots.</summary>
    public TimeSpan Interval => TimeSpan.FromTicks(_interval);

    /// <summary>Completes when the caller may send.</summary>
    public Task WaitAsync(CancellationToken cancellationToken)
    {
        long due;
        lock (_gate)
        {
            var now = Now();
            // Late: take a missed slot, none further back than MaxLag, planned half a slot after the last (twice the
            // rate) so that callers catching up wake one after another.
            var slot = _scheduled ? Math.Max(_nextSlot, now - _maxLag) : now;
            due = _scheduled ? Math.Max(slot, _lastDue + _interval / 2) : now;
            _scheduled = true;
            _nextSlot = slot + _interval;
            _lastDue = due;
            if (due <= now && TryRelease(now, out _)) return Task.CompletedTask;
        }
        return WaitForAsync(due, cancellationToken);
    }

    private async Task WaitForAsync(long due, CancellationToken cancellationToken)
    {
        while (true)
        {
            var wait = due - Now();
            // Task.Delay counts whole milliseconds and drops a fraction: rounding up keeps a wait from ending early.
            if (wait > 0)
                await _time.Delay(TimeSpan.FromTicks((wait + TimeSpan.TicksPerMillisecond - 1) / TimeSpan.TicksPerMillisecond * TimeSpan.TicksPerMillisecond),
                    cancellationToken).ConfigureAwait(false);
            lock (_gate)
            {
                var now = Now();
                if (now < due) continue;
                if (TryRelease(now, out due)) return;
            }
        }
    }

    /// <summary>Under the lock: releases the caller at <paramref name="now"/>, or says when the limits let it go.</summary>
    private bool TryRelease(long now, out long until)
    {
        until = long.MinValue;
        if (_count == _released.Length) until = _released[_oldest] + Window;
        if (_count >= _perBurst) until = Math.Max(until, _released[(_oldest + _count - _perBurst) % _released.Length] + Burst.Ticks);
        if (now < until) return false;
        if (_count == _released.Length)
        {
            _released[_oldest] = now;
            _oldest = (_oldest + 1) % _released.Length;
        }
        else
        {
            _released[(_oldest + _count) % _released.Length] = now;
            _count++;
        }
        return true;
    }

    private long Now() => _time.GetElapsedTime(_start).Ticks;
}
