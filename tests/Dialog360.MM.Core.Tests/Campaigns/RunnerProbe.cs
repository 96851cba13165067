using System;
using System.Collections.Concurrent;
using System.Threading;
using Dialog360.MM.Core.Api;
using Dialog360.MM.Core.Campaigns;
using Dialog360.MM.Core.Messages;
using Dialog360.MM.Core.State;

namespace Dialog360.MM.Core.Tests.Campaigns;

/// <summary>A runner with its finished messages collected, for tests that drive the engine without a campaign.</summary>
internal sealed class RunnerProbe : IDisposable
{
    private readonly ConcurrentQueue<CampaignOutcome> _outcomes = new();

    public RunnerProbe(ApiClient client, CampaignOptions options, SendJournal? journal, CancellationToken stop) =>
        Runner = new CampaignRunner(client, options, journal, stop, _outcomes.Enqueue);

    public CampaignRunner Runner { get; }
    public int Completed => Runner.Completed;
    public JournalException? JournalFailure => Runner.JournalFailure;
    public Exception? WorkerFault => Runner.WorkerFault;

    /// <summary>Queues a message, waiting up to <paramref name="wait"/> for room; false when none came or the run takes no more.</summary>
    public bool TryAdd(TemplateMessage message, string input, TimeSpan wait)
    {
        while (!Runner.TryQueue(message, input))
        {
            var room = Runner.WaitForRoomAsync(CancellationToken.None);
            if (!room.Wait(wait) || !room.Result) return false;
        }
        return true;
    }

    public bool TryTakeOutcome(out CampaignOutcome outcome) => _outcomes.TryDequeue(out outcome!);
    public void Complete() => Runner.Complete();
    public void Stop() => Runner.Stop();
    public bool WaitForAll(TimeSpan timeout) => Runner.WaitForAll(timeout);
    public void Dispose() => Runner.Dispose();
}
