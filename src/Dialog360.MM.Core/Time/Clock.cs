using System;
using System.Threading;
using System.Threading.Tasks;

namespace Dialog360.MM.Core.Time;

/// <summary>The time, for rules that depend on it (send windows, "not before"): tests set it instead of waiting.</summary>
public abstract class Clock
{
    public static Clock System { get; } = new SystemClock();

    public abstract DateTimeOffset Now { get; }

    /// <summary>Waits until <paramref name="until"/> by this clock.</summary>
    public abstract Task DelayUntilAsync(DateTimeOffset until, CancellationToken cancellationToken);

    private sealed class SystemClock : Clock
    {
        public override DateTimeOffset Now => DateTimeOffset.Now;

        public override Task DelayUntilAsync(DateTimeOffset until, CancellationToken cancellationToken)
        {
            var wait = until - DateTimeOffset.Now;
            return wait > TimeSpan.Zero ? Task.Delay(wait, cancellationToken) : Task.CompletedTask;
        }
    }
}
