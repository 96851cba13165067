using System;
using System.IO;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Dialog360.MM.Core.Http;
using Dialog360.MM.Core.Files;

using Dialog360.MM.Core.Webhooks;

namespace Dialog360.MM.Core.Receiving;

/// <summary>
/// A small webhook endpoint on 127.0.0.1 for trials and small setups (put a tunnel or reverse proxy in front of it):
/// answers Meta's subscription check, verifies signatures when it has a secret, and appends each accepted body as one
/// JSON line to a file that ConvertFrom-MMWebhook reads. It stores and answers, nothing more, so it answers fast.
/// It holds the file with a <see cref="FileLock"/> while it runs, so two receivers never write one file.
/// </summary>
public sealed class WebhookReceiver : IDisposable
{
    private static readonly byte[] NewLine = { (byte)'\n' };
    private readonly WebhookReceiverOptions _options;
    private readonly object _fileLock = new();
    private readonly LoopbackHttpServer _server;
    private FileLock? _lock;
    private FileStream? _file;
    private int _inFlight;
    private long _stored;
    private long _rejected;
    private string? _lastRejection;

    public WebhookReceiver(WebhookReceiverOptions options)
    {
        _options = options ?? throw new ArgumentNullException(nameof(options));
        if (string.IsNullOrEmpty(options.Path)) throw new ArgumentException("The receiver needs a file path.", nameof(options));
        if (options.MaxRequestsInFlight < 1) throw new ArgumentException("MaxRequestsInFlight must be at least 1.", nameof(options));
        _server = new LoopbackHttpServer(HandleAsync);
    }

    public int Port => _server.Port;
    public Uri BaseUri => new($"http://127.0.0.1:{Port}/");
    public string Path => _options.Path;
    public bool IsRunning => _server.IsListening;
    public bool VerifiesSignatures => _options.Secret != null;
    /// <summary>Deliveries appended to the file.</summary>
    public long StoredCount => Interlocked.Read(ref _stored);
    /// <summary>Requests refused (bad signature, invalid JSON, wrong verify token, …).</summary>
    public long RejectedCount => Interlocked.Read(ref _rejected);
    /// <summary>Why the last request was refused, for troubleshooting a sender's setup.</summary>
    public string? LastRejection => Volatile.Read(ref _lastRejection);

    /// <exception cref="FileLockedException">Another receiver (or another writer using FileLock) holds the file.</exception>
    /// <exception cref="IOException">The file cannot be opened for appending.</exception>
    /// <exception cref="InvalidOperationException">The port cannot be listened on.</exception>
    public void Start()
    {
        if (_server.IsListening) throw new InvalidOperationException("The webhook receiver is already running.");
        _lock = FileLock.Acquire(_options.Path, "webhook receiver");
        try
        {
            // bufferSize 1: each line goes to the OS in a single write, so readers never see a line in pieces from us.
            // Readers are welcome; other writers are kept out by the lock (and, on Windows, by FileShare.Read too).
            _file = new FileStream(_options.Path, FileMode.Append, FileAccess.Write, FileShare.Read | FileShare.Delete, bufferSize: 1);
            EndPartialLine(_file, _options.Path);
            _server.Start(_options.Port, "webhook receiver");
        }
        catch
        {
            CloseFile();
            throw;
        }
    }

    public void Stop()
    {
        _server.Stop();
        CloseFile();
    }

    private void CloseFile()
    {
        lock (_fileLock)
        {
            _file?.Dispose();
            _file = null;
            _lock?.Dispose();
            _lock = null;
        }
    }

    public void Dispose() => Stop();

    /// <summary>A file left with a half line (a crash mid-write elsewhere) gets a line break, so our first line stands alone.</summary>
    private static void EndPartialLine(FileStream append, string path)
    {
        if (append.Length == 0) return;
        using var read = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        read.Seek(-1, SeekOrigin.End);
        if (read.ReadByte() != '\n') append.Write(NewLine, 0, 1);
    }

    private async Task HandleAsync(HttpListenerContext context)
    {
        var response = context.Response;
        var admitted = Interlocked.Increment(ref _inFlight) <= _options.MaxRequestsInFlight;
        try
        {
            var (status, body) = !admitted ? Reject(503, $"more than {_options.MaxRequestsInFlight} requests in flight")
                : context.Request.HttpMethod switch
                {
                    "GET" => AnswerSubscription(context.Request),
                    "POST" => await StoreAsync(context).ConfigureAwait(false),
                    _ => Reject(405, $"method {context.Request.HttpMethod} is not GET or POST"),
                };
            if (!admitted)
            {
                // Unread body, and the point is to shed load: close the connection rather than keep it alive.
                response.KeepAlive = false;
                response.AddHeader("Retry-After", "1");
            }
            response.StatusCode = status;
            var bytes = Encoding.UTF8.GetBytes(body);
            response.ContentType = "text/plain; charset=utf-8";
            response.ContentLength64 = bytes.Length;
            await response.OutputStream.WriteAsync(bytes, 0, bytes.Length).ConfigureAwait(false);
            response.Close();
        }
        catch (Exception ex) when (ex is HttpListenerException || ex is ObjectDisposedException || ex is IOException)
        {
            // The sender hung up, its body took too long, or we are stopping; Meta retries what did not get a 200.
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    /// <summary>Meta's subscription check: GET ?hub.mode=subscribe&amp;hub.verify_token=…&amp;hub.challenge=… → the challenge.</summary>
    private (int, string) AnswerSubscription(HttpListenerRequest request)
    {
        var query = request.QueryString;
        if (query["hub.mode"] != "subscribe") return Reject(400, "GET without hub.mode=subscribe");
        if (_options.VerifyToken is null) return Reject(403, "subscription check refused: the receiver has no verify token");
        if (!TokenMatches(query["hub.verify_token"], _options.VerifyToken)) return Reject(403, "subscription check with a wrong hub.verify_token");
        return (200, query["hub.challenge"] ?? string.Empty);
    }

    /// <summary>
    /// Compares in time that depends on neither token's content nor length (both are hashed first), so the answer's
    /// timing does not help guess the token byte by byte.
    /// </summary>
    private static bool TokenMatches(string? presented, string expected)
    {
        if (presented is null) return false;
        using var sha = SHA256.Create();
        var a = sha.ComputeHash(Encoding.UTF8.GetBytes(presented));
        var b = sha.ComputeHash(Encoding.UTF8.GetBytes(expected));
        return WebhookSignature.FixedTimeEquals(a, b);
    }

    private async Task<(int, string)> StoreAsync(HttpListenerContext context)
    {
        var request = context.Request;
        byte[]? body;
        // A sender that stops mid-body would hold its slot forever: past the deadline its connection is closed,
        // which ends the pending read with an exception that HandleAsync treats as a hang-up.
        using (var deadline = new CancellationTokenSource(_options.BodyTimeout))
        using (deadline.Token.Register(() => AbortSlowSender(context)))
        {
            body = await ReadBodyAsync(request).ConfigureAwait(false);
            // The read may end normally on the closed connection: what it got is not the whole body.
            if (deadline.IsCancellationRequested) throw new IOException("The body did not arrive in time; the connection was closed.");
        }
        if (body is null) return Reject(413, $"body larger than {_options.MaxBodyBytes} bytes");
        if (_options.Secret != null)
        {
            var signature = request.Headers[WebhookSignature.MetaHeader] ?? request.Headers[WebhookSignature.Dialog360Header];
            if (signature is null) return Reject(403, $"no {WebhookSignature.MetaHeader} or {WebhookSignature.Dialog360Header} header");
            if (!WebhookSignature.Verify(body, body.Length - 1, signature, _options.Secret)) return Reject(403, "signature does not match the body");
        }
        // Checked before storing: a line that is not UTF-8 would be an error for every later reader of the file.
        if (!Utf8Validation.IsValid(body, 0, body.Length - 1)) return Reject(400, "body is not valid UTF-8");
        if (!IsJson(body)) return Reject(400, "body is not valid JSON");
        // Line breaks in valid JSON can only be whitespace between tokens (strings escape them), so blanking them keeps
        // the JSON and its meaning and makes it one line. The signature was checked on the bytes as received.
        for (var i = 0; i < body.Length; i++)
        {
            if (body[i] == (byte)'\n' || body[i] == (byte)'\r') body[i] = (byte)' ';
        }
        body[body.Length - 1] = (byte)'\n';
        lock (_fileLock)
        {
            if (_file is null) return Reject(503, "the receiver is stopping");
            try
            {
                _file.Write(body, 0, body.Length);
                _file.Flush();
            }
            catch (IOException ex)
            {
                // Not stored, so not 200: the sender retries later (a full disk, a removed drive).
                return Reject(500, "could not append to the file: " + ex.Message);
            }
        }
        Interlocked.Increment(ref _stored);
        return (200, string.Empty);
    }

    private void AbortSlowSender(HttpListenerContext context)
    {
        Reject(408, $"body not received within {_options.BodyTimeout.TotalSeconds:0.#} s; connection closed");
        try
        {
            // The managed HttpListener (Linux, macOS) sends the response's status line when aborting: make it a
            // 408, never the default 200 that would tell the sender the delivery was stored.
            context.Response.StatusCode = 408;
            context.Response.KeepAlive = false;
            context.Response.Abort();
        }
        catch (ObjectDisposedException) { }
    }

    /// <summary>The body with one spare byte at the end for the line break; null when it exceeds the limit.</summary>
    private async Task<byte[]?> ReadBodyAsync(HttpListenerRequest request)
    {
        if (request.ContentLength64 > _options.MaxBodyBytes) return null;
        using var memory = new MemoryStream(request.ContentLength64 > 0 ? (int)request.ContentLength64 + 1 : 4096);
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.InputStream.ReadAsync(chunk, 0, chunk.Length).ConfigureAwait(false)) > 0)
        {
            if (memory.Length + read > _options.MaxBodyBytes) return null;
            memory.Write(chunk, 0, read);
        }
        memory.WriteByte((byte)'\n');
        return memory.ToArray();
    }

    /// <summary>True when the bytes before the spare last byte are one JSON value.</summary>
    private static bool IsJson(byte[] bodyWithSpare)
    {
        if (bodyWithSpare.Length < 2) return false;
        try
        {
            var reader = new Utf8JsonReader(new ReadOnlySpan<byte>(bodyWithSpare, 0, bodyWithSpare.Length - 1), isFinalBlock: true, state: default);
            while (reader.Read()) { }
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private (int, string) Reject(int status, string reason)
    {
        Interlocked.Increment(ref _rejected);
        Volatile.Write(ref _lastRejection, $"{DateTimeOffset.UtcNow:u} HTTP {status}: {reason}");
        return (status, reason);
    }
}
