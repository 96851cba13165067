using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Net;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Dialog360.MM.Core.Http;

namespace Dialog360.MM.Core.Emulator;

/// <summary>
/// A stand-in for 360dialog's API on loopback (HttpListener): it checks the key and validates bodies as the real API
/// does, answers with the real response and error shapes (shared/reference/mm-api.md), and records what it received.
/// Routes live in the partial files beside this one, one concept each.
/// </summary>
public sealed partial class MarketingApiEmulator : IDisposable
{
    private readonly EmulatorOptions _options;
    private readonly ConcurrentQueue<EmulatorRequest> _recorded = new();
    private readonly ConcurrentDictionary<string, int> _acceptedByRecipient = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _attempts = new(StringComparer.Ordinal);
    private readonly LoopbackHttpServer _server;
    private long _requestCount;
    private int _recordedCount;

    /// <exception cref="ArgumentException">A fault rate outside 0 to 1, or rates that add up to more than 1.</exception>
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
        Seed = _options.Seed ?? SeededDraw.NewSeed();
        _server = new LoopbackHttpServer(HandleAsync);
    }

    public int Port => _server.Port;
    public Uri BaseUri => new($"http://127.0.0.1:{Port}/");
    public string ApiKey => _options.ApiKey;
    public EmulatorOptions Options => _options;
    public bool IsRunning => _server.IsListening;
    public long RequestCount => Interlocked.Read(ref _requestCount);

    /// <summary>The seed of every random choice: the options' one, or one picked at construction (to repeat a run).</summary>
    public int Seed { get; }

    /// <summary>The most recent requests, oldest first (at most <see cref="EmulatorOptions.MaxRecordedRequests"/>).</summary>
    public IReadOnlyList<EmulatorRequest> Requests => _recorded.ToArray();

    /// <summary>How many sends to this number the emulator accepted: the count a duplicate-send test reads.</summary>
    public int AcceptedCount(string recipient) => _acceptedByRecipient.TryGetValue(recipient, out var n) ? n : 0;

    /// <summary>Accepted sends per recipient, for every recipient seen.</summary>
    public IReadOnlyDictionary<string, int> AcceptedByRecipient => new Dictionary<string, int>(_acceptedByRecipient);

    public void ClearRecords()
    {
        while (_recorded.TryDequeue(out _)) { }
        _acceptedByRecipient.Clear();
        _attempts.Clear();
        Interlocked.Exchange(ref _recordedCount, 0);
        Interlocked.Exchange(ref _requestCount, 0);
    }

    /// <exception cref="InvalidOperationException">Already running, or the port cannot be listened on.</exception>
    public void Start() => _server.Start(_options.Port, "emulator");

    public void Stop() => _server.Stop();

    public void Dispose() => Stop();

    private async Task HandleAsync(HttpListenerContext context)
    {
        var request = context.Request;
        var path = request.Url!.AbsolutePath.TrimEnd('/');
        string body;
        using (var reader = new StreamReader(request.InputStream, Encoding.UTF8)) body = await reader.ReadToEndAsync().ConfigureAwait(false);
        Interlocked.Increment(ref _requestCount);

        EmulatorAnswer answer;
        try
        {
            if (_options.Latency > TimeSpan.Zero) await Task.Delay(_options.Latency).ConfigureAwait(false);
            answer = request.Headers[Api.ApiClient.KeyHeader] == _options.ApiKey
                ? Route(request.HttpMethod, path, request.QueryString, body)
                // 360dialog answers a wrong or missing key with a bare string (shared/reference/mm-api.md).
                : EmulatorAnswer.Json(401, "{\"error\":\"Invalid api token.\"}");
        }
        catch (Exception ex)
        {
            answer = EmulatorAnswer.Json(500, "{\"detail\":\"emulator fault: " + ex.GetType().Name + "\"}");
        }

        Record(new EmulatorRequest(DateTimeOffset.UtcNow, request.HttpMethod, path, request.Url.Query, body, answer.StatusCode,
            request.UserAgent));
        await WriteAsync(context.Response, answer).ConfigureAwait(false);
    }

    private EmulatorAnswer Route(string method, string path, System.Collections.Specialized.NameValueCollection query, string body)
    {
        switch (method, path)
        {
            case ("POST", "/marketing_messages"): return HandleSend(body, marketingRoute: true);
            case ("POST", "/messages"): return HandleSend(body, marketingRoute: false);
            case ("GET", "/v1/configs/templates"): return HandleListTemplates(query);
            case ("GET", "/v1/configs/webhook"): return HandleGetWebhook();
            case ("POST", "/v1/configs/webhook"): return HandleSetWebhook(body);
        }
        return EmulatorAnswer.Json(404, "{\"detail\":\"Not Found\"}");
    }

    private void Record(EmulatorRequest entry)
    {
        _recorded.Enqueue(entry);
        if (Interlocked.Increment(ref _recordedCount) > _options.MaxRecordedRequests && _recorded.TryDequeue(out _))
            Interlocked.Decrement(ref _recordedCount);
    }

    private static async Task WriteAsync(HttpListenerResponse response, EmulatorAnswer answer)
    {
        try
        {
            if (answer.Abort)
            {
                // Promise more than is sent, then cut the connection: the client sees the answer break off and cannot
                // reuse the connection. (Abort alone lets the managed HttpListener send an empty 200 on some platforms.)
                var partial = Encoding.UTF8.GetBytes("{\"messaging_product\":");
                response.StatusCode = 200;
                response.ContentType = "application/json";
                response.ContentLength64 = partial.Length + 100;
                await response.OutputStream.WriteAsync(partial, 0, partial.Length).ConfigureAwait(false);
                await response.OutputStream.FlushAsync().ConfigureAwait(false);
                response.Abort();
                return;
            }
            response.StatusCode = answer.StatusCode;
            response.ContentType = answer.ContentType;
            foreach (var header in answer.Headers) response.Headers[header.Key] = header.Value;
            var bytes = Encoding.UTF8.GetBytes(answer.Body);
            response.ContentLength64 = bytes.Length;
            await response.OutputStream.WriteAsync(bytes, 0, bytes.Length).ConfigureAwait(false);
            response.Close();
        }
        catch (Exception ex) when (ex is HttpListenerException || ex is ObjectDisposedException || ex is IOException)
        {
            // The client went away (timeout, Ctrl+C): nothing to answer.
        }
    }
}

/// <summary>What a route answers: status, JSON body and extra headers (Retry-After, say).</summary>
internal sealed class EmulatorAnswer
{
    private EmulatorAnswer(int statusCode, string body, string contentType = "application/json")
    {
        StatusCode = statusCode;
        Body = body;
        ContentType = contentType;
    }

    public int StatusCode { get; }
    public string Body { get; }
    public string ContentType { get; }
    public Dictionary<string, string> Headers { get; } = new();

    /// <summary>Drop the connection without an answer, as a network failure after the request arrived would.</summary>
    public bool Abort { get; private set; }

    public static EmulatorAnswer Json(int statusCode, string body) => new(statusCode, body);

    /// <summary>An answer that is not JSON, as a gateway or a crashed server sends it.</summary>
    public static EmulatorAnswer Text(int statusCode, string contentType, string body) => new(statusCode, body, contentType);

    public static EmulatorAnswer Dropped() => new(0, string.Empty) { Abort = true };
}
