using System;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;
using Dialog360.MM.Core.Api;
using Dialog360.MM.Core.Messages;
using Dialog360.MM.Core.State;

namespace Dialog360.MM.Core.Campaigns;

/// <summary>
/// Sends a stream of messages on the account's one ApiClient: a bounded queue (memory stays flat however long the
/// input), one dispatcher that paces every send to the configured rate, a second pace where the request leaves its
/// connection (so no second holds more than the rate however long connections take to open), as many requests on the
/// wire as the measured latency needs (<see cref="InFlightLimit"/>, -ThrottleLimit
/// its ceiling), retries without duplicates, and the journal around every request. Each finished message goes to
/// the <c>finished</c> callback and each retry to <c>log</c>, on the worker that did it; <see cref="Campaign"/> turns
/// them into its ordered stream of events.
/// </summary>
internal sealed class CampaignRunner : IDisposable
{
    private readonly ApiClient _client;
    private readonly CampaignOptions _options;
    private readonly SendJournal? _journal;
    private readonly TimeProvider _time;
    private readonly Action<CampaignOutcome> _finished;
    private readonly Action<string> _log;
    private readonly Func<TemplateMessage, MMSendResult?>? _lastLook;
    private readonly RateLimiter _limiter;
    private readonly RateLimiter _wire;
    private readonly RetryPolicy _retry;
    private readonly Channel<(TemplateMessage Message, string Input)> _queue;
    private readonly CancellationTokenSource _dispatch;
    private readonly CancellationTokenSource _requests = new();
    private readonly InFlightLimit _inFlight;
    private readonly TaskCompletionSource<bool> _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly long _started;
    // The queue only keeps the dispatcher fed between two turns of the pipeline thread: a few hundred messages do,
    // whatever the ceiling on requests in flight, and memory stays flat however long the input.
    private const int QueueCapacity = 256;
    private int _completed, _accepted, _failed, _running, _heldForQuality, _paused;
    private Exception? _fault;
    private JournalException? _journalFailure;

    /// <param name="lastLook">Asked just before a message's first request leaves: a result instead of the send (a
    /// person who stopped marketing while the message waited in the queue or for its window), or null to send.</param>
    public CampaignRunner(ApiClient client, CampaignOptions options, SendJournal? journal, CancellationToken stop,
        Action<CampaignOutcome> finished, Action<string>? log = null, TimeProvider? time = null,
        Func<TemplateMessage, MMSendResult?>? lastLook = null)
    {
        _lastLook = lastLook;
        _client = client;
        _options = options;
        _journal = journal;
        _finished = finished;
        _log = log ?? (_ => { });
        _time = time ?? TimeProvider.System;
        _started = _time.GetTimestamp();
        Endpoint = client.RouteUri(SendRoutes.PathOf(options.Route));
        _limiter = new RateLimiter(options.MessagesPerSecond, _time);
        // Requests that waited for their connections (at the start, every one opens its own) come to the wire late and
        // together: the pace there catches them up, at twice the rate at most and never above the rate in a second.
        // What it paces was paced already, so a second of catching up cannot follow a pause.
        _wire = new RateLimiter(options.MessagesPerSecond, _time, maxLag: TimeSpan.FromSeconds(1));
        _retry = new RetryPolicy(options.MaxRetries, options.RetryBaseDelay);
        _queue = Channel.CreateBounded<(TemplateMessage, string)>(new BoundedChannelOptions(QueueCapacity)
        {
            SingleReader = true,
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _dispatch = CancellationTokenSource.CreateLinkedTokenSource(stop);
        // Ctrl+C stops dispatching at once; requests already on the wire get a grace period to answer and be journaled.
        _dispatch.Token.Register(() => _requests.CancelAfter(options.StopGrace));
        _inFlight = new InFlightLimit(options.MessagesPerSecond, options.ThrottleLimit);
        _running = 1; // the dispatcher itself
        _ = Task.Run(DispatchAsync);
    }

    /// <summary>Requests allowed on the wire now, from the latency measured so far.</summary>
    public int InFlightLimit => _inFlight.Limit;

    /// <summary>The moving average of the API's answers in this run; null before the first answer.</summary>
    public TimeSpan? Latency => _inFlight.Observations > 0 ? _inFlight.Latency : null;

    /// <summary>The route every message of this campaign is posted to (computed once: it is read per message).</summary>
    public Uri Endpoint { get; }
    public int Completed => Volatile.Read(ref _completed);
    public int Accepted => Volatile.Read(ref _accepted);
    public int Failed => Volatile.Read(ref _failed);
    /// <summary>Accepted with message_status held_for_quality_assessment: not on their way yet.</summary>
    public int HeldForQuality => Volatile.Read(ref _heldForQuality);
    /// <summary>Accepted with message_status paused (the template is paused): not on their way yet.</summary>
    public int Paused => Volatile.Read(ref _paused);
    public TimeSpan Elapsed => _time.GetElapsedTime(_started);

    /// <summary>Queues a message if there is room now.</summary>
    public bool TryQueue(TemplateMessage message, string input) => _queue.Writer.TryWrite((message, input));

    /// <summary>True when the queue has room again; false once it takes no more (after Complete or Stop).</summary>
    public Task<bool> WaitForRoomAsync(CancellationToken cancellationToken) => _queue.Writer.WaitToWriteAsync(cancellationToken).AsTask();

    /// <summary>No more input: what is queued is sent, then the run ends.</summary>
    public void Complete() => _queue.Writer.TryComplete();

    /// <summary>Stops dispatching (what is queued stays unsent); requests on the wire finish within the grace period.</summary>
    public void Stop()
    {
        _queue.Writer.TryComplete();
        _dispatch.Cancel();
    }

    /// <summary>Completes once the dispatcher has ended and every request it started has finished, however they ended.</summary>
    public Task Drained => _drained.Task;

    /// <summary>True once <see cref="Drained"/> has completed.</summary>
    public bool WaitForAll(TimeSpan timeout) => _drained.Task.Wait(timeout);

    /// <summary>
    /// The journal could not be written: dispatching stopped, since a send that is not journaled could be repeated by
    /// the next run. Null while all is well.
    /// </summary>
    public JournalException? JournalFailure => Volatile.Read(ref _journalFailure);

    /// <summary>The dispatcher or a send ended with an exception (a defect: each message's failures are caught). The
    /// campaign checks this so that a run never waits on work that is gone.</summary>
    public Exception? WorkerFault => Volatile.Read(ref _fault);

    /// <summary>
    /// Takes the queue in order: for each message, a place on the wire, then its slot in the pace, then the send starts
    /// on its own. One loop does the pacing, so the slots are exactly 1/rate apart whatever the latency.
    /// </summary>
    private async Task DispatchAsync()
    {
        try
        {
            var reader = _queue.Reader;
            while (true)
            {
                try
                {
                    if (!await reader.WaitToReadAsync(_dispatch.Token).ConfigureAwait(false)) return; // completed and empty
                }
                catch (OperationCanceledException) { return; }
                if (_dispatch.IsCancellationRequested) return; // stopped: what is queued stays unsent and unjournaled
                if (!reader.TryRead(out var work)) continue;
                try
                {
                    await _inFlight.EnterAsync(_dispatch.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) { return; } // stopped: leave it unsent and unjournaled, a rerun sends it
                try
                {
                    await _limiter.WaitAsync(_dispatch.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    _inFlight.Exit();
                    return;
                }
                Interlocked.Increment(ref _running);
                _ = RunAsync(work.Message, work.Input);
            }
        }
        catch (Exception ex)
        {
            Interlocked.CompareExchange(ref _fault, ex, null);
        }
        finally
        {
            // Nothing more leaves: whoever waits for room in the queue must not wait for ever.
            _queue.Writer.TryComplete();
            if (Interlocked.Decrement(ref _running) == 0) _drained.TrySetResult(true);
        }
    }

    private async Task RunAsync(TemplateMessage message, string input)
    {
        try
        {
            var outcome = await SendAsync(message, input).ConfigureAwait(false);
            if (outcome.Result.Status == SendStatus.Accepted) Interlocked.Increment(ref _accepted);
            else Interlocked.Increment(ref _failed);
            if (outcome.Result.IsHeld)
            {
                if (outcome.Result.MessageStatus == "paused") Interlocked.Increment(ref _paused);
                else Interlocked.Increment(ref _heldForQuality);
            }
            Interlocked.Increment(ref _completed);
            _finished(outcome);
        }
        catch (Exception ex)
        {
            Interlocked.CompareExchange(ref _fault, ex, null);
        }
        finally
        {
            // The dispatcher counts as one until it ends: whoever is last out marks the run drained.
            if (Interlocked.Decrement(ref _running) == 0) _drained.TrySetResult(true);
        }
    }

    /// <summary>The place on the wire the dispatcher gave a message; a retry waiting out its backoff gives it back.</summary>
    private sealed class Permit
    {
        public bool Held = true;
    }

    private async Task<CampaignOutcome> SendAsync(TemplateMessage message, string input)
    {
        var permit = new Permit();
        try { return await SendAsync(message, input, permit).ConfigureAwait(false); }
        finally
        {
            if (permit.Held) _inFlight.Exit();
        }
    }

    private async Task<CampaignOutcome> SendAsync(TemplateMessage message, string input, Permit permit)
    {
        var endpoint = Endpoint;
        var attempts = 0;
        var sentAt = _time.GetLocalNow();
        var intentWritten = false;
        MMSendResult result;
        Exception? error = null;
        while (true)
        {
            var onTheWire = false;
            try
            {
                // The dispatcher took the first attempt's slot; a retry waits for a slot of its own.
                if (attempts > 0) await _limiter.WaitAsync(_requests.Token).ConfigureAwait(false);
                // Stopped while waiting for the slot: nothing has left yet, so nothing is sent.
                if (attempts == 0 && _dispatch.IsCancellationRequested) throw new OperationCanceledException(_dispatch.Token);
                if (attempts == 0 && _lastLook?.Invoke(message) is { } instead) return new CampaignOutcome(instead, null, input);
                attempts++;
                var started = 0L;
                SendResponse response;
                try
                {
                    response = await _client.SendTemplateAsync(message, _options.Route, _requests.Token, async leaving =>
                    {
                        // On the open connection, just before the request leaves: its slot at the wire, then the intent,
                        // so that after a crash only recipients whose request may really have left are in doubt. A stop
                        // does not hold back what the dispatcher let go (the wait is milliseconds); the grace period ends it.
                        await _wire.WaitAsync(leaving).ConfigureAwait(false);
                        if (!intentWritten && _journal != null)
                        {
                            await _journal.WriteIntentAsync(message.To, message.UserId, message.TemplateName).ConfigureAwait(false);
                            intentWritten = true;
                        }
                        sentAt = _time.GetLocalNow();
                        onTheWire = true;
                        started = _time.GetTimestamp();
                    }).ConfigureAwait(false);
                }
                catch (ApiException)
                {
                    _inFlight.Observe(_time.GetElapsedTime(started)); // an answer, if not a welcome one: it measures the latency too
                    throw;
                }
                _inFlight.Observe(_time.GetElapsedTime(started));
                result = MMSendResult.Accepted(message, response, endpoint, sentAt);
                break;
            }
            catch (JournalException ex)
            {
                StopForJournal(ex);
                error = ex;
                result = Result(message, SendStatus.Failed, "JournalUnavailable", "Not sent: the journal could not record the request. " + ex.Message, endpoint, sentAt);
                break;
            }
            catch (OperationCanceledException ex)
            {
                error = ex;
                result = onTheWire
                    ? Result(message, SendStatus.Unknown, "Stopped", "Stopped while the request was on its way: the API may have accepted it.", endpoint, sentAt)
                    : Result(message, SendStatus.Failed, "Stopped", "Stopped before sending; not sent.", endpoint, sentAt);
                break;
            }
            catch (Exception ex)
            {
                // Every other exception ends this message, never the worker; an unexpected one after the request left
                // is in doubt like any other unclear answer.
                var decision = ex is ApiException || ex is ApiTransportException ? _retry.Decide(ex, attempts)
                    : onTheWire ? FailureDecision.InDoubt : FailureDecision.Fail;
                if (decision == FailureDecision.Retry)
                {
                    var delay = _retry.DelayBefore(attempts, ex);
                    _log($"{message.To}: attempt {attempts} failed ({ex.Message}); retrying in {delay.TotalSeconds:0.0} s.");
                    // Waiting out a Retry-After is not being on the wire: the place goes to the next message meanwhile.
                    _inFlight.Exit();
                    permit.Held = false;
                    try
                    {
                        await _time.Delay(delay, _requests.Token).ConfigureAwait(false);
                        await _inFlight.EnterAsync(_requests.Token).ConfigureAwait(false);
                        permit.Held = true;
                        continue;
                    }
                    catch (OperationCanceledException oce)
                    {
                        error = oce;
                        result = Result(message, SendStatus.Failed, "Stopped", "Stopped before the retry; not sent.", endpoint, sentAt);
                        break;
                    }
                }
                error = decision == FailureDecision.InDoubt ? new SendInDoubtException(message.Address, ex) : ex;
                result = decision == FailureDecision.InDoubt
                    ? Result(message, SendStatus.Unknown, CodeOf(ex), error.Message, endpoint, sentAt)
                    : Result(message, SendStatus.Failed, CodeOf(ex), ex is ApiException api ? api.Describe() : ex.Message, endpoint, sentAt);
                if (ex is ApiException { Hint: { } hint }) result.ErrorHint = hint;
                // Codes with a known wait (131049, Meta's frequency cap: a day; 134101, a template still syncing: minutes): the
                // result and the journal say when a new try makes sense, and a rerun waits until then.
                if (ex is ApiException { RetryAfterMinutes: int minutes }) result.NotBefore = _time.GetLocalNow().AddMinutes(minutes);
                break;
            }
        }
        result.Attempts = attempts;
        result.CallbackData = message.CallbackData;
        if (intentWritten)
        {
            try { await _journal!.WriteOutcomeAsync(result.ToJournal()).ConfigureAwait(false); }
            catch (JournalException ex)
            {
                // The result still reaches the pipeline; the journal keeps the intent, so a rerun holds this recipient back as in doubt.
                StopForJournal(ex);
            }
        }
        return new CampaignOutcome(result, error, input);
    }

    private void StopForJournal(JournalException ex)
    {
        Interlocked.CompareExchange(ref _journalFailure, ex, null);
        _dispatch.Cancel();
    }

    private static string CodeOf(Exception ex) => ex switch
    {
        ApiException api => api.Code?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? $"HTTP{api.HttpStatus}",
        ApiTransportException { IsTimeout: true } => "Timeout",
        ApiTransportException { InnerException: FormatException } => "UnclearAnswer",
        ApiTransportException { RequestMayHaveBeenSent: true } => "ConnectionLost",
        ApiTransportException => "Unreachable",
        _ => ex.GetType().Name,
    };

    private static MMSendResult Result(TemplateMessage message, SendStatus status, string code, string text, Uri endpoint, DateTimeOffset at) =>
        MMSendResult.NotAccepted(message, status, code, text, endpoint, at);

    public void Dispose()
    {
        _dispatch.Cancel();
        _requests.Cancel();
        _queue.Writer.TryComplete();
        _drained.Task.Wait(TimeSpan.FromSeconds(1));
        _dispatch.Dispose();
        _requests.Dispose();
    }
}
