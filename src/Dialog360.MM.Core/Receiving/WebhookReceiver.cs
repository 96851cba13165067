using System;
using System.IO;
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
    private static readonly TimeSpan MaxTimeout = TimeSpan.FromHours(1);
    private readonly WebhookReceiverOptions _options;
    private readonly object _fileLock = new();
    private readonly LoopbackHttpServer _server;
    private FileLock? _lock;
    private FileStream? _file;
    private long _stored;
    private long _rejected;
    private string? _lastRejection;

    public WebhookReceiver(WebhookReceiverOptions options)
    {
        _options = options ?? throw new ArgumentNullException(nameof(options));
        if (string.IsNullOrEmpty(options.Path)) throw new ArgumentException("The receiver needs a file path.", nameof(options));
        if (options.MaxConnections < 1) throw new ArgumentException($"MaxConnections is {options.MaxConnections}; give at least 1.", nameof(options));
        if (options.MaxBodyBytes < 1) throw new ArgumentException($"MaxBodyBytes is {options.MaxBodyBytes}; give at least 1.", nameof(options));
        if (!(options.HeaderTimeout > TimeSpan.Zero && options.HeaderTimeout <= MaxTimeout))
            throw new ArgumentException($"HeaderTimeout is {options.HeaderTimeout}; give more than 0 and at most {MaxTimeout.TotalHours:0} hours.", nameof(options));
        if (!(options.BodyTimeout > TimeSpan.Zero && options.BodyTimeout <= MaxTimeout))
            throw new ArgumentException($"BodyTimeout is {options.BodyTimeout}; give more than 0 and at most {MaxTimeout.TotalHours:0} hours.", nameof(options));
        var limits = new LoopbackServerLimits
        {
            MaxConnections = options.MaxConnections, HeaderTimeout = options.HeaderTimeout, KeepAliveTimeout = options.HeaderTimeout,
            BodyTimeout = options.BodyTimeout, MaxBodyBytes = options.MaxBodyBytes,
        };
        // What the server refuses before a request reaches HandleAsync (503 over the cap, 408, 413, malformed) counts too.
        _server = new LoopbackHttpServer(HandleAsync, limits, (status, reason) => Reject(status, reason));
    }

    public int Port => _server.Port;
    public Uri BaseUri => new($"http://127.0.0.1:{Port}/");
    public string Path => _options.Path;
    public bool IsRunning => _server.IsListening;
    public bool VerifiesSignatures => _options.Secret != null;
    /// <summary>Deliveries appended to the file.</summary>
    public long StoredCount => Interlocked.Read(ref _stored);
    /// <summary>Connections open now (accepted, not yet closed); at most <see cref="WebhookReceiverOptions.MaxConnections"/>.</summary>
    public int OpenConnections => _server.OpenConnections;
    /// <summary>
    /// Requests refused (bad signature, invalid JSON, wrong verify token, body too large or too slow, …) and
    /// connections closed without a request (over the cap, or nothing sent within the header timeout).
    /// </summary>
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
            // Readers are welcome; other writers are kept out by the lock, whose handle this stream shares the file with.
            _file = new FileStream(_options.Path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete, bufferSize: 1);
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

    private Task<LoopbackResponse> HandleAsync(LoopbackRequest request)
    {
        var (status, text) = request.Method switch
        {
            "GET" => AnswerSubscription(request),
            "POST" => Store(request),
            _ => Reject(405, $"method {(request.Method.Length <= 20 ? request.Method : request.Method.Substring(0, 20) + "…")} is not GET or POST"),
        };
        return Task.FromResult(LoopbackResponse.Text(status, text));
    }

    /// <summary>Meta's subscription check: GET ?hub.mode=subscribe&amp;hub.verify_token=…&amp;hub.challenge=… → the challenge.</summary>
    private (int, string) AnswerSubscription(LoopbackRequest request)
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

    /// <summary>The server has read the whole body (within the body timeout and size limit); this checks and appends it.</summary>
    private (int, string) Store(LoopbackRequest request)
    {
        var received = request.Body.Length;
        // The line: the body and one spare byte for its line break, so it goes to the file in one write.
        var line = new byte[received + 1];
        Buffer.BlockCopy(request.Body, 0, line, 0, received);
        if (_options.Secret != null)
        {
            var signature = request.Headers[WebhookSignature.MetaHeader] ?? request.Headers[WebhookSignature.Dialog360Header];
            if (signature is null) return Reject(403, $"no {WebhookSignature.MetaHeader} or {WebhookSignature.Dialog360Header} header");
            if (!WebhookSignature.Verify(line, received, signature, _options.Secret)) return Reject(403, "signature does not match the body");
        }
        // Checked before storing: a line that is not UTF-8 would be an error for every later reader of the file.
        if (!Utf8Validation.IsValid(line, 0, received)) return Reject(400, "body is not valid UTF-8");
        if (!IsJson(line)) return Reject(400, "body is not valid JSON");
        // Line breaks in valid JSON can only be whitespace between tokens (strings escape them), so blanking them keeps
        // the JSON and its meaning and makes it one line. The signature was checked on the bytes as received.
        for (var i = 0; i < received; i++)
        {
            if (line[i] == (byte)'\n' || line[i] == (byte)'\r') line[i] = (byte)' ';
        }
        line[received] = (byte)'\n';
        lock (_fileLock)
        {
            if (_file is null) return Reject(503, "the receiver is stopping");
            try
            {
                _file.Write(line, 0, line.Length);
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
