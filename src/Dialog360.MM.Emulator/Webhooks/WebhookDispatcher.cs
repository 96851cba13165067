using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Threading;
using System.Threading.Tasks;
using Dialog360.MM.Core.Receiving;

namespace Dialog360.MM.Emulator.Webhooks;

/// <summary>
/// Delivers the emulator's webhooks when they fall due: statuses due together go in one delivery (up to three, as
/// the platform batches them), clicks and opt-outs one each; POSTs that do not get 2xx are retried with exponential
/// backoff, as Meta and 360dialog do; each delivery is also appended to the file as one JSON line.
/// </summary>
internal sealed class WebhookDispatcher
{
    private const int MaxStatusesPerDelivery = 3;
    private const int MaxConcurrentPosts = 8;

    private readonly EmulatorWebhookOptions _options;
    private readonly int _seed;
    private readonly Action<string> _onOptOut; // gets the person's key
    private readonly object _gate = new();
    private readonly SortedDictionary<(long Due, long Sequence), Delivery> _queue = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly SemaphoreSlim _wake = new(0);
    private readonly SemaphoreSlim _posts = new(MaxConcurrentPosts);
    private readonly CancellationTokenSource _stop = new();
    private readonly HttpClient? _http;
    private readonly FileStream? _file;
    private Task? _loop;
    private long _sequence;
    private long _delivered, _failed, _pending, _retries;
    private int _running;

    /// <exception cref="IOException">The webhook file cannot be opened for appending.</exception>
    public WebhookDispatcher(EmulatorWebhookOptions options, int seed, Action<string> onOptOut)
    {
        _options = options;
        _seed = seed;
        _onOptOut = onOptOut;
        if (options.Url != null)
        {
            // Loopback only, so never through a proxy (a proxy would see the signed bodies in clear).
            _http = new HttpClient(new HttpClientHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(10) };
            _http.DefaultRequestHeaders.UserAgent.ParseAdd("facebookexternalua");
        }
        if (options.Path != null)
            _file = new FileStream(options.Path, FileMode.Append, FileAccess.Write, FileShare.Read);
    }

    public long Delivered => Interlocked.Read(ref _delivered);
    public long Failed => Interlocked.Read(ref _failed);
    public long Pending => Interlocked.Read(ref _pending);
    public long Retries => Interlocked.Read(ref _retries);

    public void Start() => _loop = Task.Run(LoopAsync);

    /// <summary>Stops delivering; what is still due stays pending. Waits briefly for POSTs already on the wire.</summary>
    public void Stop()
    {
        if (_stop.IsCancellationRequested) return;
        _stop.Cancel();
        try { _loop?.Wait(TimeSpan.FromSeconds(2)); } catch (AggregateException) { }
        var deadline = DateTime.UtcNow.AddSeconds(2);
        while (Volatile.Read(ref _running) > 0 && DateTime.UtcNow < deadline) Thread.Sleep(10);
        _http?.Dispose();
        lock (_gate) _file?.Dispose();
    }

    /// <summary>Schedules the webhooks of one accepted send (its <see cref="WebhookTimeline"/>).</summary>
    public void Schedule(IReadOnlyList<TimedEvent> events)
    {
        var now = _clock.ElapsedMilliseconds;
        lock (_gate)
        {
            foreach (var timed in events)
                _queue.Add((now + ToMilliseconds(timed.DueSeconds), _sequence++), new Delivery(timed.Event));
        }
        Interlocked.Add(ref _pending, events.Count);
        Wake();
    }

    // One pending wake-up is enough: the loop looks at the whole queue each time (10,000 sends need not mean 10,000 turns).
    private void Wake()
    {
        if (_wake.CurrentCount == 0) _wake.Release();
    }

    private long ToMilliseconds(double platformSeconds) => (long)(platformSeconds * _options.TimeScale * 1000);

    private async Task LoopAsync()
    {
        var token = _stop.Token;
        while (!token.IsCancellationRequested)
        {
            var due = TakeDue(out var waitMs);
            if (due.Count == 0)
            {
                try { await _wake.WaitAsync((int)Math.Min(waitMs, 1000), token).ConfigureAwait(false); }
                catch (OperationCanceledException) { return; }
                continue;
            }
            foreach (var delivery in Batch(due))
            {
                try { await _posts.WaitAsync(token).ConfigureAwait(false); }
                catch (OperationCanceledException) { return; }
                Interlocked.Increment(ref _running);
                _ = Task.Run(() => DeliverAsync(delivery, token));
            }
        }
    }

    private List<Delivery> TakeDue(out long waitMs)
    {
        var now = _clock.ElapsedMilliseconds;
        var due = new List<Delivery>();
        waitMs = 1000;
        lock (_gate)
        {
            while (_queue.Count > 0)
            {
                using var first = _queue.GetEnumerator();
                first.MoveNext();
                var (key, delivery) = (first.Current.Key, first.Current.Value);
                if (key.Due > now)
                {
                    waitMs = key.Due - now;
                    break;
                }
                _queue.Remove(key);
                due.Add(delivery);
            }
        }
        return due;
    }

    /// <summary>Statuses due together share deliveries; everything else goes alone, retries as they were.</summary>
    private static IEnumerable<Delivery> Batch(List<Delivery> due)
    {
        var statuses = new List<WebhookEvent>();
        foreach (var d in due)
        {
            if (d.Event is { Kind: WebhookEventKind.Status } status)
            {
                statuses.Add(status);
                if (statuses.Count < MaxStatusesPerDelivery) continue;
                yield return Delivery.ForStatuses(statuses);
                statuses = new List<WebhookEvent>();
            }
            else yield return d;
        }
        if (statuses.Count > 0) yield return Delivery.ForStatuses(statuses);
    }

    private async Task DeliverAsync(Delivery delivery, CancellationToken token)
    {
        try
        {
            if (delivery.Attempt == 0)
            {
                if (delivery.Event is { Kind: WebhookEventKind.OptOut } optOut) _onOptOut(optOut.Person.Key);
                AppendToFile(delivery.Body);
            }
            if (_http is null || await PostAsync(delivery.Body, token).ConfigureAwait(false))
            {
                Interlocked.Increment(ref _delivered);
                Interlocked.Add(ref _pending, -delivery.EventCount);
            }
            else if (delivery.Attempt + 1 >= _options.MaxAttempts)
            {
                Interlocked.Increment(ref _failed);
                Interlocked.Add(ref _pending, -delivery.EventCount);
            }
            else
            {
                Interlocked.Increment(ref _retries);
                // 1, 2, 4 … platform seconds, capped at a minute; never sooner than 10 ms of real time.
                var backoff = Math.Max(10, ToMilliseconds(Math.Min(60, Math.Pow(2, delivery.Attempt))));
                lock (_gate) _queue.Add((_clock.ElapsedMilliseconds + backoff, _sequence++), delivery.Retry());
                Wake();
            }
        }
        finally
        {
            _posts.Release();
            Interlocked.Decrement(ref _running);
        }
    }

    private async Task<bool> PostAsync(byte[] body, CancellationToken token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, _options.Url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        if (_options.Secret != null)
        {
            var signature = WebhookSignature.Sign(body, _options.Secret);
            request.Headers.TryAddWithoutValidation(WebhookSignature.MetaHeader, signature);
            // 360dialog's header with the bare hex digest (its encoding is undocumented; the module accepts this form).
            request.Headers.TryAddWithoutValidation(WebhookSignature.Dialog360Header, signature.Substring("sha256=".Length));
        }
        try
        {
            using var response = await _http!.SendAsync(request, token).ConfigureAwait(false);
            return (int)response.StatusCode is >= 200 and < 300;
        }
        catch (Exception ex) when (ex is HttpRequestException || ex is TaskCanceledException || ex is ObjectDisposedException)
        {
            return false; // refused, reset or timed out: the platform retries that like an error answer
        }
    }

    private void AppendToFile(byte[] body)
    {
        if (_file is null) return;
        lock (_gate)
        {
            if (_stop.IsCancellationRequested) return;
            _file.Write(body, 0, body.Length);
            _file.WriteByte((byte)'\n');
            _file.Flush();
        }
    }

    /// <summary>One delivery: its body, the events in it, and how many POSTs it has had.</summary>
    private sealed class Delivery
    {
        private Delivery(byte[] body, int eventCount, int attempt, WebhookEvent? e)
        {
            Body = body;
            EventCount = eventCount;
            Attempt = attempt;
            Event = e;
        }

        /// <summary>A scheduled event; a status gets its body when it is batched with the others due.</summary>
        public Delivery(WebhookEvent e) : this(e.Kind == WebhookEventKind.Status ? Array.Empty<byte>() : BodyOf(e), 1, 0, e) { }

        public byte[] Body { get; }
        public int EventCount { get; }
        public int Attempt { get; }
        public WebhookEvent? Event { get; }

        public static Delivery ForStatuses(List<WebhookEvent> statuses) => new(WebhookPayload.Statuses(statuses), statuses.Count, 0, null);

        public Delivery Retry() => new(Body, EventCount, Attempt + 1, null);

        private static byte[] BodyOf(WebhookEvent e) => e.Kind == WebhookEventKind.Click ? WebhookPayload.Click(e) : WebhookPayload.OptOut(e);
    }
}
