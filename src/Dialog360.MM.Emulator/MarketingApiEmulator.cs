using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Dialog360.MM.Core.Http;
using Dialog360.MM.Emulator.Webhooks;

namespace Dialog360.MM.Emulator;

/// <summary>
/// A stand-in for 360dialog's API on loopback (<see cref="LoopbackHttpServer"/>): it checks the key and validates bodies as the real API
/// does, answers with the real response and error shapes (docs/reference/mm-api.md), and records what it received.
/// Routes live in the partial files beside this one, one concept each.
/// </summary>
public sealed partial class MarketingApiEmulator : IDisposable
{
    private readonly EmulatorOptions _options;
    private readonly ConcurrentQueue<EmulatorRequest> _recorded = new();
    private readonly ConcurrentDictionary<string, int> _acceptedByRecipient = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _attempts = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _optedOut = new(StringComparer.Ordinal);
    private readonly LoopbackHttpServer _server;
    // As many connections as Send-MarketingMessage's largest -ThrottleLimit opens (4,096), so a run never meets the
    // cap. Kept-alive connections wait longer than clients keep idle ones (one minute in .NET's handler, 100 s in .NET
    // Framework's), so the client always closes first and never sends on a connection the emulator is closing, which
    // would leave a send in doubt. Connections that never send a request still go after the header timeout.
    private static readonly LoopbackServerLimits Limits = new() { MaxConnections = 4096, KeepAliveTimeout = TimeSpan.FromMinutes(2) };
    private readonly EmulatedPeople _people;
    private WebhookDispatcher? _webhooks;
    private long _requestCount, _accepted, _rejected, _throttled, _silentlyDropped;
    private int _recordedCount;

    /// <exception cref="ArgumentException">A fault rate or the username rate outside 0 to 1, fault rates that add up to
    /// more than 1, or webhook options out of range (see <see cref="EmulatorWebhookOptions"/>).</exception>
    public MarketingApiEmulator(EmulatorOptions? options = null)
    {
        _options = options ?? new EmulatorOptions();
        var total = 0.0;
        foreach (var rate in _options.FaultRates)
        {
            if (!(rate.Value >= 0 && rate.Value <= 1))
                throw new ArgumentException($"The {rate.Key} fault rate is {rate.Value}; write a share from 0 to 1, e.g. 0.05 for 5%.");
            total += rate.Value;
        }
        if (total > 1 + 1e-9) throw new ArgumentException($"The fault rates add up to {total}; together they can be at most 1.");
        if (!(_options.UsernameRate >= 0 && _options.UsernameRate <= 1))
            throw new ArgumentException($"UsernameRate is {_options.UsernameRate}; write a share from 0 to 1, e.g. 0.1 for one person in ten.");
        _options.Webhooks.Validate();
        Seed = _options.Seed ?? SeededDraw.NewSeed();
        _people = new EmulatedPeople(Seed, _options.UsernameRate, _options.UsernameRecipients);
        _server = new LoopbackHttpServer(HandleAsync, Limits);
    }

    public int Port => _server.Port;
    public Uri BaseUri => new($"http://127.0.0.1:{Port}/");
    public string ApiKey => _options.ApiKey;
    public EmulatorOptions Options => _options;
    public bool IsRunning => _server.IsListening;
    public long RequestCount => Interlocked.Read(ref _requestCount);

    /// <summary>Sends passed on, including those answered with a fault that comes after acceptance.</summary>
    public long Accepted => Interlocked.Read(ref _accepted);

    /// <summary>Sends refused (a bad key, a bad body, a Graph error, 503), not counting 429s.</summary>
    public long Rejected => Interlocked.Read(ref _rejected);

    /// <summary>Sends answered 429.</summary>
    public long Throttled => Interlocked.Read(ref _throttled);

    /// <summary>Sends with a BSUID in "to": answered 200 with a message id, then dropped as WhatsApp does (no webhook, no count).</summary>
    public long SilentlyDropped => Interlocked.Read(ref _silentlyDropped);

    /// <summary>Webhook deliveries that got a 2xx (or, with only a file, were written).</summary>
    public long WebhooksDelivered => _webhooks?.Delivered ?? 0;

    /// <summary>Webhook events not yet delivered: due later, on the wire, or waiting for a retry.</summary>
    public long WebhooksPending => _webhooks?.Pending ?? 0;

    /// <summary>Webhook deliveries given up after <see cref="EmulatorWebhookOptions.MaxAttempts"/> POSTs.</summary>
    public long WebhooksFailed => _webhooks?.Failed ?? 0;

    /// <summary>POSTs of webhook deliveries that are tried again after an error.</summary>
    public long WebhookRetries => _webhooks?.Retries ?? 0;

    /// <summary>
    /// People who stopped marketing messages in this run (a user_preferences stop went out), by number (by BSUID for
    /// someone known only by one); their sends, by number or BSUID, now get 131050.
    /// </summary>
    public IReadOnlyCollection<string> OptedOut => _optedOut.Keys.ToArray();

    /// <summary>The seed of every random choice: the options' one, or one picked at construction (to repeat a run).</summary>
    public int Seed { get; }

    /// <summary>The most recent requests, oldest first (at most <see cref="EmulatorOptions.MaxRecordedRequests"/>).</summary>
    public IReadOnlyList<EmulatorRequest> Requests => _recorded.ToArray();

    /// <summary>
    /// How many sends to this person the emulator accepted, whether they went to the number or to the BSUID: the count
    /// a duplicate-send test reads. Takes the number (digits only) or the BSUID.
    /// </summary>
    public int AcceptedCount(string recipient) =>
        _acceptedByRecipient.TryGetValue(_people.Find(recipient)?.Key ?? recipient, out var n) ? n : 0;

    /// <summary>Accepted sends per person, for everyone accepted: by number, or by BSUID for someone known only by one.</summary>
    public IReadOnlyDictionary<string, int> AcceptedByRecipient => new Dictionary<string, int>(_acceptedByRecipient);

    /// <summary>
    /// The business-scoped user ID of the person with this number (digits only), as the emulator's answers and webhooks
    /// give it; from now on a send to it reaches that person. The same for the same seed and number in every run.
    /// </summary>
    public string UserIdOf(string number) => _people.ForPhone(number).UserId;

    /// <summary>The person a number (digits only) or BSUID names, if the emulator has seen them; otherwise null.</summary>
    public EmulatedPerson? FindPerson(string numberOrUserId) => _people.Find(numberOrUserId);

    public void ClearRecords()
    {
        while (_recorded.TryDequeue(out _)) { }
        _acceptedByRecipient.Clear();
        _attempts.Clear();
        Interlocked.Exchange(ref _recordedCount, 0);
        Interlocked.Exchange(ref _accepted, 0);
        Interlocked.Exchange(ref _rejected, 0);
        Interlocked.Exchange(ref _throttled, 0);
        Interlocked.Exchange(ref _silentlyDropped, 0);
        Interlocked.Exchange(ref _requestCount, 0);
    }

    /// <exception cref="InvalidOperationException">Already running, the port cannot be listened on, or the webhook file cannot be opened.</exception>
    public void Start()
    {
        if (_server.IsListening) throw new InvalidOperationException("The emulator is already running.");
        if (_options.Webhooks.Enabled)
        {
            try { _webhooks = new WebhookDispatcher(_options.Webhooks, Seed, to => _optedOut[to] = true); }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                throw new InvalidOperationException($"The emulator cannot append webhooks to {_options.Webhooks.Path}: {ex.Message}", ex);
            }
        }
        try { _server.Start(_options.Port, "emulator"); }
        catch
        {
            _webhooks?.Stop();
            throw;
        }
        _webhooks?.Start();
    }

    /// <summary>Stops answering, then stops delivering webhooks (what is not yet due stays pending).</summary>
    public void Stop()
    {
        _server.Stop();
        _webhooks?.Stop();
    }

    public void Dispose() => Stop();

    private async Task<LoopbackResponse> HandleAsync(LoopbackRequest request)
    {
        var path = request.Path.TrimEnd('/');
        string body;
        using (var reader = new StreamReader(new MemoryStream(request.Body), Encoding.UTF8)) body = await reader.ReadToEndAsync().ConfigureAwait(false);
        Interlocked.Increment(ref _requestCount);

        EmulatorAnswer answer;
        try
        {
            if (_options.Latency > TimeSpan.Zero) await Task.Delay(_options.Latency).ConfigureAwait(false);
            answer = request.Headers[Core.Api.ApiClient.KeyHeader] == _options.ApiKey
                ? Route(request.Method, path, request.QueryString, body)
                // 360dialog answers a wrong or missing key with a bare string (docs/reference/mm-api.md).
                : EmulatorAnswer.Json(401, "{\"error\":\"Invalid api token.\"}");
        }
        catch (Exception ex)
        {
            answer = EmulatorAnswer.Json(500, w =>
            {
                w.WriteStartObject();
                w.WriteString("detail", "emulator fault: " + ex.GetType().Name);
                w.WriteEndObject();
            });
        }

        Count(path, answer);
        Record(new EmulatorRequest(DateTimeOffset.UtcNow, request.Method, path, request.Query, body, answer.StatusCode,
            request.UserAgent));
        return ToResponse(answer);
    }

    private EmulatorAnswer Route(string method, string path, System.Collections.Specialized.NameValueCollection query, string body)
    {
        if (method == "DELETE" && path.StartsWith(TemplatesPath + "/", StringComparison.Ordinal))
            return HandleDeleteTemplate(Uri.UnescapeDataString(path.Substring(TemplatesPath.Length + 1)));
        switch (method, path)
        {
            case ("POST", "/marketing_messages"): return HandleSend(body, marketingRoute: true);
            case ("POST", "/messages"): return HandleSend(body, marketingRoute: false);
            case ("GET", TemplatesPath): return HandleListTemplates(query);
            case ("POST", TemplatesPath): return HandleCreateTemplate(body);
            case ("GET", "/v1/configs/webhook"): return HandleGetWebhook();
            case ("POST", "/v1/configs/webhook"): return HandleSetWebhook(body);
            case ("POST", AnalyticsPath): return HandleEnableAnalytics(query);
            case ("GET", AnalyticsPath): return HandleReadAnalytics(query);
        }
        return EmulatorAnswer.Json(404, "{\"detail\":\"Not Found\"}");
    }

    private void Count(string path, EmulatorAnswer answer)
    {
        if (path is not ("/marketing_messages" or "/messages")) return;
        if (answer.Accepted) Interlocked.Increment(ref _accepted);
        else if (answer.SilentlyDropped) Interlocked.Increment(ref _silentlyDropped);
        else if (answer.StatusCode == 429) Interlocked.Increment(ref _throttled);
        else Interlocked.Increment(ref _rejected);
    }

    private void Record(EmulatorRequest entry)
    {
        _recorded.Enqueue(entry);
        if (Interlocked.Increment(ref _recordedCount) > _options.MaxRecordedRequests && _recorded.TryDequeue(out _))
            Interlocked.Decrement(ref _recordedCount);
    }

    private static LoopbackResponse ToResponse(EmulatorAnswer answer)
    {
        if (answer.Abort)
        {
            // Promise more than is sent, then cut the connection: the client sees the answer break off after the
            // status line, and cannot reuse the connection.
            return new LoopbackResponse(200, Encoding.UTF8.GetBytes("{\"messaging_product\":"), "application/json") { BreakOff = true };
        }
        var response = new LoopbackResponse(answer.StatusCode, Encoding.UTF8.GetBytes(answer.Body), answer.ContentType);
        foreach (var header in answer.Headers) response.WithHeader(header.Key, header.Value);
        return response;
    }
}
