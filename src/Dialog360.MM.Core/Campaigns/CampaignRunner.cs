using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;
using Dialog360.MM.Core.Api;
using Dialog360.MM.Core.Messages;

namespace Dialog360.MM.Core.Campaigns;

/// <summary>
/// Sends a stream of messages with N concurrent workers on the account's one ApiClient: bounded queue (memory stays
/// flat however long the input), steady rate, retries without duplicates, journal around every request. Workers never
/// touch PowerShell: outcomes and log lines queue up for the pipeline thread to write (Drain*).
/// </summary>
public sealed class CampaignRunner : IDisposable
{
    private readonly ApiClient _client;
    private readonly CampaignOptions _options;
    private readonly SendJournal? _journal;
    private readonly RateLimiter _limiter;
    private readonly RetryPolicy _retry;
    private readonly ConcurrentQueue<(TemplateMessage Message, string Input)> _queue = new();
    private readonly SemaphoreSlim _items = new(0);
    private readonly SemaphoreSlim _space;
    private readonly ConcurrentQueue<CampaignOutcome> _outcomes = new();
    private readonly ConcurrentQueue<string> _log = new();
    private readonly CancellationTokenSource _dispatch;
    private readonly CancellationTokenSource _requests = new();
    private readonly Task[] _workers;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private int _completed, _accepted, _failed;

    public CampaignRunner(ApiClient client, CampaignOptions options, SendJournal? journal, CancellationToken stop)
    {
        _client = client;
        _options = options;
        _journal = journal;
        Endpoint = client.RouteUri(SendRoutes.PathOf(options.Route));
        _limiter = new RateLimiter(options.MessagesPerSecond);
        _retry = new RetryPolicy(options.MaxRetries, options.RetryBaseDelay);
        _space = new SemaphoreSlim(options.ThrottleLimit * 2);
        _dispatch = CancellationTokenSource.CreateLinkedTokenSource(stop);
        // Ctrl+C stops dispatching at once; requests already on the wire get a grace period to answer and be journaled.
        _dispatch.Token.Register(() => _requests.CancelAfter(options.StopGrace));
        _workers = new Task[options.ThrottleLimit];
        for (var i = 0; i < _workers.Length; i++) _workers[i] = Task.Run(WorkAsync);
    }

    /// <summary>The route every message of this campaign is posted to (computed once: it is read per message).</summary>
    public Uri Endpoint { get; }
    public int Completed => Volatile.Read(ref _completed);
    public int Accepted => Volatile.Read(ref _accepted);
    public int Failed => Volatile.Read(ref _failed);
    public TimeSpan Elapsed => _clock.Elapsed;

    /// <summary>Queues a message, waiting up to <paramref name="wait"/> for room; false when the queue stayed full.</summary>
    public bool TryAdd(TemplateMessage message, string input, TimeSpan wait)
    {
        if (!_space.Wait(wait)) return false;
        _queue.Enqueue((message, input));
        _items.Release();
        return true;
    }

    /// <summary>No more input: the workers finish what is queued, then stop.</summary>
    public void Complete() => _items.Release(_workers.Length * 2);

    /// <summary>Stops dispatching (what is queued stays unsent); requests on the wire finish within the grace period.</summary>
    public void Stop() => _dispatch.Cancel();

    public bool WaitForAll(TimeSpan timeout) => Task.WaitAll(_workers, timeout);

    public bool TryTakeOutcome(out CampaignOutcome outcome) => _outcomes.TryDequeue(out outcome!);

    public bool TryTakeLog(out string line) => _log.TryDequeue(out line!);

    private async Task WorkAsync()
    {
        while (true)
        {
            try { await _items.WaitAsync(_dispatch.Token).ConfigureAwait(false); }
            catch (OperationCanceledException) { return; }
            // A release without an item is Complete()'s signal.
            if (!_queue.TryDequeue(out var work)) return;
            _space.Release();
            if (_dispatch.IsCancellationRequested) return; // stopped: leave it unsent and unjournaled, a rerun sends it
            var outcome = await SendAsync(work.Message, work.Input).ConfigureAwait(false);
            if (outcome.Result.Status == SendStatus.Accepted) Interlocked.Increment(ref _accepted);
            else Interlocked.Increment(ref _failed);
            Interlocked.Increment(ref _completed);
            _outcomes.Enqueue(outcome);
        }
    }

    private async Task<CampaignOutcome> SendAsync(TemplateMessage message, string input)
    {
        var endpoint = Endpoint;
        var attempts = 0;
        var sentAt = DateTimeOffset.Now;
        _journal?.WriteIntent(message.To, message.TemplateName);
        MMSendResult result;
        Exception? error = null;
        while (true)
        {
            var onTheWire = false;
            try
            {
                await _limiter.WaitAsync(_requests.Token).ConfigureAwait(false);
                attempts++;
                sentAt = DateTimeOffset.Now;
                onTheWire = true;
                var response = await _client.SendTemplateAsync(message, _options.Route, _requests.Token).ConfigureAwait(false);
                result = MMSendResult.Accepted(message, response, endpoint, sentAt);
                break;
            }
            catch (Exception ex) when ((ex is ApiException || ex is ApiTransportException) && RetryPolicy.IsRetryable(ex) && attempts <= _retry.MaxRetries)
            {
                var delay = _retry.DelayBefore(attempts, ex);
                _log.Enqueue($"{message.To}: attempt {attempts} failed ({ex.Message}); retrying in {delay.TotalSeconds:0.0} s.");
                try { await Task.Delay(delay, _requests.Token).ConfigureAwait(false); }
                catch (OperationCanceledException oce)
                {
                    error = oce;
                    result = Result(message, SendStatus.Failed, "Stopped", "Stopped before the retry; not sent.", endpoint, sentAt);
                    break;
                }
            }
            catch (ApiException ex)
            {
                error = ex;
                result = Result(message, SendStatus.Failed, ex.Code?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? $"HTTP{ex.HttpStatus}",
                    ex.Describe(), endpoint, sentAt);
                result.ErrorHint = ex.Hint;
                break;
            }
            catch (ApiTransportException ex)
            {
                error = ex;
                result = ex.RequestMayHaveBeenSent
                    ? Result(message, SendStatus.Unknown, ex.IsTimeout ? "Timeout" : "ConnectionLost",
                        ex.Message + " The API may have accepted it: not resent, so nobody gets it twice.", endpoint, sentAt)
                    : Result(message, SendStatus.Failed, "Unreachable", ex.Message, endpoint, sentAt);
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
        }
        result.Attempts = attempts;
        result.CallbackData = message.CallbackData;
        _journal?.WriteOutcome(result);
        return new CampaignOutcome(result, error, input);
    }

    private static MMSendResult Result(TemplateMessage message, SendStatus status, string code, string text, Uri endpoint, DateTimeOffset at) =>
        MMSendResult.Failed(message.To, message.TemplateName, code, text, endpoint, at, status);

    public void Dispose()
    {
        _dispatch.Cancel();
        _requests.Cancel();
        try { Task.WaitAll(_workers, TimeSpan.FromSeconds(1)); } catch (AggregateException) { }
        _dispatch.Dispose();
        _requests.Dispose();
        _items.Dispose();
        _space.Dispose();
    }
}
