using System;
using System.Threading;
using System.Threading.Tasks;

namespace Dialog360.MM.Core.Campaigns;

/// <summary>
/// How many requests may be on the wire at once, adapted to the latency the run measures: a rate of R messages a
/// second with answers taking L seconds needs R×L requests in flight (Little's law). A quarter more absorbs the spread
/// of latencies, and a quarter of a second's sends more absorbs a stall (a garbage collection, a busy machine, a slow
/// answer or two) without holding back the rate. Until the first answer nothing is known of the latency, and every
/// request the pace lets go before it is one the rate needs: only the ceiling applies, so the first second reaches the
/// rate at any latency. So the configured rate is reached without tuning, and no more connections are opened than the
/// rate needs (the pace, not this limit, decides how many are on the wire while answers come back in time).
/// -ThrottleLimit is the ceiling.
/// </summary>
internal sealed class InFlightLimit
{
    private const double Headroom = 1.25;
    private const double StallSeconds = 0.25;
    private const double Smoothing = 0.1; // weight of the newest latency in the moving average
    private readonly object _gate = new();
    private readonly double _rate;
    private readonly int _ceiling;
    private double _latencySeconds;
    private int _count;
    private TaskCompletionSource<bool>? _waiter;

    public InFlightLimit(double messagesPerSecond, int ceiling)
    {
        if (ceiling < 1) throw new ArgumentOutOfRangeException(nameof(ceiling));
        _rate = messagesPerSecond;
        _ceiling = ceiling;
        Limit = ceiling;
    }

    /// <summary>Requests allowed on the wire now.</summary>
    public int Limit { get; private set; }

    /// <summary>The moving average of the answers' latency (zero before the first answer).</summary>
    public TimeSpan Latency { get { lock (_gate) return TimeSpan.FromSeconds(_latencySeconds); } }

    public int Count { get { lock (_gate) return _count; } }

    /// <summary>Answers measured so far (0: <see cref="Latency"/> is not known yet).</summary>
    public int Observations { get; private set; }

    /// <summary>Waits until one more request may go on the wire, and counts it.</summary>
    public async Task EnterAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            TaskCompletionSource<bool> waiter;
            lock (_gate)
            {
                if (_count < Limit)
                {
                    _count++;
                    return;
                }
                waiter = _waiter ??= new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            }
            using (cancellationToken.Register(() => waiter.TrySetCanceled()))
                await waiter.Task.ConfigureAwait(false);
        }
    }

    /// <summary>One answer came back after <paramref name="latency"/>: the limit follows the moving average.</summary>
    public void Observe(TimeSpan latency)
    {
        TaskCompletionSource<bool>? waiter = null;
        lock (_gate)
        {
            // The first answer replaces the guess; later ones move the average.
            _latencySeconds = Observations++ == 0 ? latency.TotalSeconds : _latencySeconds + Smoothing * (latency.TotalSeconds - _latencySeconds);
            var before = Limit;
            Limit = Compute();
            if (Limit > before) (waiter, _waiter) = (_waiter, null);
        }
        waiter?.TrySetResult(true);
    }

    /// <summary>A request left the wire (answered, failed or given up).</summary>
    public void Exit()
    {
        TaskCompletionSource<bool>? waiter;
        lock (_gate)
        {
            _count--;
            (waiter, _waiter) = (_waiter, null);
        }
        waiter?.TrySetResult(true);
    }

    private int Compute()
    {
        var needed = Math.Ceiling(_rate * (_latencySeconds * Headroom + StallSeconds)) + 2;
        return (int)Math.Max(1, Math.Min(_ceiling, needed));
    }
}
