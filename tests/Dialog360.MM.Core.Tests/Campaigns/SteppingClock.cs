using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace Dialog360.MM.Core.Tests.Campaigns;

/// <summary>
/// A fake clock that a simulation moves from one timer to the next. A wait on a TimeProvider resumes on the thread
/// pool, so the clock moves only when every caller still waiting is waiting on a timer: one that a timer released has
/// gone on (its task completed, at the time it was released) or set a new timer. So the times a test sees are the
/// times the code under test saw, however the thread pool is scheduled. Its own timers rather than FakeTimeProvider's,
/// so that which timers are set is known exactly at every step.
/// </summary>
internal sealed class SteppingClock : TimeProvider
{
    private readonly List<Timer> _timers = new();
    private long _now;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;
    public override long GetTimestamp() => Interlocked.Read(ref _now);
    public override DateTimeOffset GetUtcNow() => new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).AddTicks(GetTimestamp());

    /// <summary>Time since the clock was made.</summary>
    public TimeSpan Now => TimeSpan.FromTicks(GetTimestamp());

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        if (period != Timeout.InfiniteTimeSpan) throw new NotSupportedException("The code under test sets one-shot timers only.");
        var timer = new Timer(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    /// <summary>Moves the clock on while nothing waits (a caller coming late, a pause).</summary>
    public void Advance(TimeSpan by)
    {
        lock (_timers)
            if (_timers.Count > 0) throw new InvalidOperationException("Timers are set: let Run move the clock.");
        Interlocked.Add(ref _now, by.Ticks);
    }

    /// <summary>
    /// Moves the clock to the earliest timer, plus <paramref name="late"/>, and fires the timers due then (on this
    /// thread). The ones due later wait for the next step, so what the fired ones do next sees a clock that stands still.
    /// </summary>
    private void FireNext(TimeSpan late)
    {
        List<Timer> due;
        lock (_timers)
        {
            var earliest = _timers.Min(t => t.Due);
            due = _timers.Where(t => t.Due == earliest).ToList();
            foreach (var timer in due) _timers.Remove(timer);
            Interlocked.Exchange(ref _now, Math.Max(GetTimestamp(), earliest) + late.Ticks);
        }
        foreach (var timer in due) timer.Fire();
    }

    /// <summary>
    /// Runs the clock until every task has completed, and returns the time each completed at. Each time all of them
    /// are waiting on timers, the clock moves to the earliest timer plus <paramref name="late"/>() (a timer that
    /// fires late, a stalled thread) and fires it.
    /// </summary>
    public TimeSpan[] Run(IReadOnlyList<Task> tasks, Func<TimeSpan> late)
    {
        var done = new TimeSpan?[tasks.Count];
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var pending = 0;
            for (var i = 0; i < tasks.Count; i++)
            {
                if (done[i] is null && tasks[i].IsCompleted)
                {
                    tasks[i].GetAwaiter().GetResult(); // a failed wait fails the test
                    done[i] = Now;
                }
                if (done[i] is null) pending++;
            }
            if (pending == 0) return done.Select(d => d!.Value).ToArray();
            if (watch.Elapsed > TimeSpan.FromSeconds(30)) throw new TimeoutException("A caller neither went nor waited on a timer.");
            bool waiting;
            lock (_timers) waiting = _timers.Count >= pending;
            if (waiting) FireNext(late());
            else Thread.Yield(); // a released caller is still going on, on the thread pool
        }
    }

    public TimeSpan Run(Task task, Func<TimeSpan> late) => Run(new[] { task }, late)[0];

    private sealed class Timer : ITimer
    {
        private readonly SteppingClock _clock;
        private readonly TimerCallback _callback;
        private readonly object? _state;

        public Timer(SteppingClock clock, TimerCallback callback, object? state)
        {
            _clock = clock;
            _callback = callback;
            _state = state;
        }

        public long Due { get; private set; }

        public void Fire() => _callback(_state);

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            lock (_clock._timers)
            {
                _clock._timers.Remove(this);
                if (dueTime == Timeout.InfiniteTimeSpan) return true;
                Due = _clock.GetTimestamp() + dueTime.Ticks;
                _clock._timers.Add(this);
            }
            return true;
        }

        public void Dispose()
        {
            lock (_clock._timers) _clock._timers.Remove(this);
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return default;
        }
    }
}
