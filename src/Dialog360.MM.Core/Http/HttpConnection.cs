using System;
using System.Collections.Specialized;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace Dialog360.MM.Core.Http;

/// <summary>
/// One client connection of <see cref="LoopbackHttpServer"/>: reads HTTP/1.1 requests (Content-Length or chunked
/// bodies, Expect: 100-continue, keep-alive, pipelining) within their deadlines and writes the answers. Every wait is
/// an asynchronous socket operation, so a connection that sends nothing holds no thread, only its buffer.
/// </summary>
internal sealed class HttpConnection
{
    private const int InitialBufferBytes = 4096;
    private const int MaxChunkLineBytes = 1024;
    private static readonly TimeSpan LingerTime = TimeSpan.FromSeconds(1);
    private static readonly byte[] Continue = Encoding.ASCII.GetBytes("HTTP/1.1 100 Continue\r\n\r\n");

    private readonly Socket _socket;
    private readonly LoopbackServerLimits _limits;
    private readonly string _origin;
    private byte[] _buffer = new byte[InitialBufferBytes];
    private int _start, _end; // the bytes read but not yet used: _buffer[_start.._end)
    private bool _answeredOne;

    public HttpConnection(Socket socket, LoopbackServerLimits limits, int port)
    {
        _socket = socket;
        _limits = limits;
        _origin = "http://127.0.0.1:" + port.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>The next request; null when the client hung up or a kept-alive connection stayed idle past the header timeout.</summary>
    /// <exception cref="HttpRefusal">The request is refused before the handler sees it.</exception>
    /// <exception cref="IOException">The client hung up mid-request.</exception>
    public async Task<(LoopbackRequest Request, bool KeepAlive)?> ReadRequestAsync()
    {
        if (_answeredOne && _end == _start)
        {
            try
            {
                if (await FillAsync(Deadline.After(_limits.KeepAliveTimeout)).ConfigureAwait(false) == 0) return null;
            }
            catch (TimeoutException)
            {
                return null;
            }
        }
        var deadline = Deadline.After(_limits.HeaderTimeout);
        var scanned = 0; // bytes after _start searched already (FillAsync may move them, so not an index)
        int headEnd;
        while (true)
        {
            // Empty lines before a request line are allowed (RFC 9112, 2.2).
            if (scanned == 0) while (_start < _end && (_buffer[_start] == '\r' || _buffer[_start] == '\n')) _start++;
            if ((headEnd = FindHeadEnd(_start + scanned)) >= 0) break;
            // The end of the head is at most three bytes long: the last two may be its start.
            scanned = Math.Max(0, _end - _start - 2);
            if (_end - _start >= LoopbackServerLimits.MaxHeadBytes)
                throw new HttpRefusal(431, $"request line and headers larger than {LoopbackServerLimits.MaxHeadBytes} bytes", linger: true);
            int read;
            try
            {
                read = await FillAsync(deadline).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                var seconds = Seconds(_limits.HeaderTimeout);
                if (_end > _start) throw new HttpRefusal(408, $"request line and headers not received within {seconds} s; connection closed");
                if (!_answeredOne) throw new HttpRefusal(408, $"no request within {seconds} s of connecting; connection closed", answer: false);
                return null;
            }
            if (read == 0)
            {
                if (_end > _start) throw new IOException("The client closed the connection in the middle of a request's headers.");
                return null;
            }
        }

        var head = ParseHead(_start, headEnd);
        _start = headEnd;
        var body = await ReadBodyAsync(head).ConfigureAwait(false);
        var request = new LoopbackRequest(head.Method, head.Path, head.Query, head.Headers, body);
        return (request, head.KeepAlive);
    }

    public async Task WriteAsync(LoopbackResponse response, bool keepAlive, bool omitBody)
    {
        var head = new StringBuilder(192);
        head.Append("HTTP/1.1 ").Append(response.StatusCode.ToString(CultureInfo.InvariantCulture)).Append(' ').Append(ReasonPhrase(response.StatusCode)).Append("\r\n");
        if (response.ContentType != null) head.Append("Content-Type: ").Append(response.ContentType).Append("\r\n");
        var declared = response.BreakOff ? response.Body.Length + 100 : response.Body.Length;
        head.Append("Content-Length: ").Append(declared.ToString(CultureInfo.InvariantCulture)).Append("\r\n");
        foreach (var header in response.Headers) head.Append(header.Key).Append(": ").Append(header.Value).Append("\r\n");
        if (!keepAlive) head.Append("Connection: close\r\n");
        head.Append("\r\n");

        var bodyLength = omitBody ? 0 : response.Body.Length;
        var bytes = new byte[head.Length + bodyLength];
        for (var i = 0; i < head.Length; i++) bytes[i] = (byte)head[i];
        Buffer.BlockCopy(response.Body, 0, bytes, head.Length, bodyLength);
        await SendAsync(bytes, Deadline.After(_limits.BodyTimeout)).ConfigureAwait(false);
        _answeredOne = true;
    }

    /// <summary>Tells the client why (when it should hear it), and closes; errors on the way are the client's.</summary>
    public async Task RefuseAsync(HttpRefusal refusal)
    {
        try
        {
            if (refusal.Answer) await WriteAsync(LoopbackResponse.Text(refusal.Status, refusal.Message), keepAlive: false, omitBody: false).ConfigureAwait(false);
            if (refusal.Linger) await LingerAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is SocketException || ex is ObjectDisposedException || ex is TimeoutException)
        {
        }
    }

    /// <summary>Sends what is queued, then closes.</summary>
    public void Close()
    {
        try { _socket.Shutdown(SocketShutdown.Send); }
        catch (Exception ex) when (ex is SocketException || ex is ObjectDisposedException) { }
        _socket.Dispose();
    }

    private async Task LingerAsync()
    {
        _socket.Shutdown(SocketShutdown.Send);
        var deadline = Deadline.After(LingerTime);
        var scratch = new byte[InitialBufferBytes];
        while (await ReceiveAsync(scratch, 0, scratch.Length, deadline).ConfigureAwait(false) > 0) { }
    }

    private sealed class Head
    {
        public string Method = "", Path = "", Query = "";
        public NameValueCollection Headers = new();
        public bool KeepAlive, Http11;
    }

    /// <summary>The request line and headers between <paramref name="from"/> and <paramref name="to"/> (which ends with the empty line).</summary>
    private Head ParseHead(int from, int to)
    {
        var text = new StringBuilder(to - from);
        for (var i = from; i < to; i++) text.Append((char)_buffer[i]); // ISO-8859-1: header bytes as they are
        var lines = text.ToString().Split('\n');
        var requestLine = TrimCr(lines[0]);
        var parts = requestLine.Split(' ');
        if (parts.Length != 3 || parts[0].Length == 0 || parts[1].Length == 0 || HasControl(requestLine))
            throw new HttpRefusal(400, $"request line '{Shorten(requestLine)}' is not METHOD TARGET HTTP/1.1", linger: true);
        var head = new Head { Method = parts[0] };
        if (!IsToken(head.Method)) throw new HttpRefusal(400, $"method '{Shorten(head.Method)}' is not a token", linger: true);
        var version = parts[2];
        if (version is not ("HTTP/1.1" or "HTTP/1.0"))
            throw version.StartsWith("HTTP/", StringComparison.Ordinal)
                ? new HttpRefusal(505, $"{Shorten(version)} is not supported: send HTTP/1.1", linger: true)
                : new HttpRefusal(400, $"request line '{Shorten(requestLine)}' is not METHOD TARGET HTTP/1.1", linger: true);
        head.Http11 = version == "HTTP/1.1";
        (head.Path, head.Query) = ParseTarget(parts[1]);

        // Headers; the last element is the empty string after the final line break.
        for (var i = 1; i < lines.Length - 1; i++)
        {
            var line = TrimCr(lines[i]);
            if (line.Length == 0) break;
            if (line[0] == ' ' || line[0] == '\t') throw new HttpRefusal(400, "a header line is folded onto the next (obsolete, refused)", linger: true);
            var colon = line.IndexOf(':');
            var name = colon > 0 ? line.Substring(0, colon) : line;
            if (colon <= 0 || !IsToken(name)) throw new HttpRefusal(400, $"header line '{Shorten(line)}' is not Name: value", linger: true);
            var value = line.Substring(colon + 1).Trim(' ', '\t');
            if (HasControl(value)) throw new HttpRefusal(400, $"header {name} has a control character in its value", linger: true);
            head.Headers.Add(name, value);
        }
        var connection = head.Headers["Connection"];
        head.KeepAlive = head.Http11 ? !HasToken(connection, "close") : HasToken(connection, "keep-alive");
        return head;
    }

    private (string Path, string Query) ParseTarget(string target)
    {
        if (target == "*") return ("*", string.Empty);
        Uri? uri = null;
        if (target[0] == '/') Uri.TryCreate(_origin + target, UriKind.Absolute, out uri);
        else if (target.StartsWith("http://", StringComparison.OrdinalIgnoreCase)) Uri.TryCreate(target, UriKind.Absolute, out uri);
        if (uri is null) throw new HttpRefusal(400, $"request target '{Shorten(target)}' is not a path", linger: true);
        return (uri.AbsolutePath, uri.Query);
    }

    private async Task<byte[]> ReadBodyAsync(Head head)
    {
        var transferEncoding = head.Headers["Transfer-Encoding"];
        var lengths = head.Headers.GetValues("Content-Length");
        long length = 0;
        var chunked = false;
        if (transferEncoding != null)
        {
            // Both framings at once is how requests are smuggled past proxies: refused, not guessed.
            if (lengths != null) throw new HttpRefusal(400, "both Transfer-Encoding and Content-Length", linger: true);
            if (!transferEncoding.Equals("chunked", StringComparison.OrdinalIgnoreCase))
                throw new HttpRefusal(501, $"Transfer-Encoding '{Shorten(transferEncoding)}' is not supported: send chunked or a Content-Length", linger: true);
            chunked = true;
        }
        else if (lengths != null)
        {
            length = -1;
            foreach (var list in lengths)
            {
                foreach (var item in list.Split(','))
                {
                    var text = item.Trim(' ', '\t');
                    if (text.Length == 0 || text.Length > 18 || !IsDigits(text) || (length >= 0 && long.Parse(text, CultureInfo.InvariantCulture) != length))
                        throw new HttpRefusal(400, $"Content-Length '{Shorten(list)}' is not one number", linger: true);
                    length = long.Parse(text, CultureInfo.InvariantCulture);
                }
            }
        }
        if (length > _limits.MaxBodyBytes) throw new HttpRefusal(413, $"body larger than {_limits.MaxBodyBytes} bytes", linger: true);
        if (!chunked && length == 0) return Array.Empty<byte>();

        var deadline = Deadline.After(_limits.BodyTimeout);
        if (head.Http11 && _end == _start && HasToken(head.Headers["Expect"], "100-continue"))
            await SendAsync(Continue, deadline).ConfigureAwait(false);
        var body = new BodyBuffer();
        try
        {
            if (!chunked)
            {
                await AppendAsync(body, (int)length, (int)length, deadline).ConfigureAwait(false);
                return body.ToArray();
            }
            while (true)
            {
                var sizeLine = await ReadLineAsync(MaxChunkLineBytes, deadline).ConfigureAwait(false);
                var semicolon = sizeLine.IndexOf(';');
                var sizeText = (semicolon < 0 ? sizeLine : sizeLine.Substring(0, semicolon)).Trim(' ', '\t');
                if (sizeText.Length == 0 || sizeText.Length > 8 || !int.TryParse(sizeText, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var size) || size < 0)
                    throw new HttpRefusal(400, $"chunk size '{Shorten(sizeLine)}' is not a hexadecimal number", linger: true);
                if (size == 0) break;
                if ((long)body.Length + size > _limits.MaxBodyBytes) throw new HttpRefusal(413, $"body larger than {_limits.MaxBodyBytes} bytes", linger: true);
                await AppendAsync(body, size, _limits.MaxBodyBytes, deadline).ConfigureAwait(false);
                if (await ReadLineAsync(MaxChunkLineBytes, deadline).ConfigureAwait(false) != string.Empty)
                    throw new HttpRefusal(400, "a chunk is longer than its size says", linger: true);
            }
            var trailers = 0;
            string trailer;
            while ((trailer = await ReadLineAsync(LoopbackServerLimits.MaxHeadBytes, deadline).ConfigureAwait(false)).Length > 0)
            {
                if ((trailers += trailer.Length) > LoopbackServerLimits.MaxHeadBytes)
                    throw new HttpRefusal(431, $"trailers larger than {LoopbackServerLimits.MaxHeadBytes} bytes", linger: true);
            }
            return body.ToArray();
        }
        catch (TimeoutException)
        {
            throw new HttpRefusal(408, $"body not received within {Seconds(_limits.BodyTimeout)} s; connection closed");
        }
    }

    /// <summary>Appends <paramref name="count"/> body bytes, growing the buffer only as they arrive (a promised size costs nothing).</summary>
    private async Task AppendAsync(BodyBuffer body, int count, int capacityLimit, Deadline deadline)
    {
        var end = body.Length + count;
        var buffered = Math.Min(_end - _start, count);
        body.Reserve(buffered, capacityLimit);
        Buffer.BlockCopy(_buffer, _start, body.Data, body.Length, buffered);
        body.Length += buffered;
        _start += buffered;
        while (body.Length < end)
        {
            body.Reserve(1, Math.Min(capacityLimit, end));
            var read = await ReceiveAsync(body.Data, body.Length, Math.Min(body.Data.Length, end) - body.Length, deadline).ConfigureAwait(false);
            if (read == 0) throw new IOException("The client closed the connection in the middle of a body.");
            body.Length += read;
        }
    }

    /// <summary>One line of the chunked framing, without its line break.</summary>
    private async Task<string> ReadLineAsync(int maxBytes, Deadline deadline)
    {
        var scanFrom = _start;
        while (true)
        {
            var newLine = Array.IndexOf(_buffer, (byte)'\n', scanFrom, _end - scanFrom);
            if (newLine >= 0)
            {
                var line = new StringBuilder(newLine - _start);
                for (var i = _start; i < newLine; i++) line.Append((char)_buffer[i]);
                _start = newLine + 1;
                return TrimCr(line.ToString());
            }
            if (_end - _start > maxBytes) throw new HttpRefusal(400, $"a line of the chunked body is longer than {maxBytes} bytes", linger: true);
            scanFrom = _end - _start; // FillAsync may move the unread bytes to the front
            if (await FillAsync(deadline).ConfigureAwait(false) == 0) throw new IOException("The client closed the connection in the middle of a body.");
            scanFrom += _start;
        }
    }

    /// <summary>The index just past the empty line that ends the head, searching from <paramref name="from"/>; or -1.</summary>
    private int FindHeadEnd(int from)
    {
        for (var i = from; i < _end; i++)
        {
            if (_buffer[i] != '\n') continue;
            if (i + 1 < _end && _buffer[i + 1] == '\n') return i + 2;
            if (i + 2 < _end && _buffer[i + 1] == '\r' && _buffer[i + 2] == '\n') return i + 3;
        }
        return -1;
    }

    /// <summary>Reads more into the buffer (moving unread bytes to its front, growing it up to the head limit); 0 at the end of the stream.</summary>
    private async Task<int> FillAsync(Deadline deadline)
    {
        if (_end == _buffer.Length)
        {
            if (_start > 0)
            {
                Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
                _end -= _start;
                _start = 0;
            }
            else
            {
                Array.Resize(ref _buffer, Math.Min(_buffer.Length * 2, LoopbackServerLimits.MaxHeadBytes + InitialBufferBytes));
            }
        }
        var read = await ReceiveAsync(_buffer, _end, _buffer.Length - _end, deadline).ConfigureAwait(false);
        _end += read;
        return read;
    }

    /// <exception cref="TimeoutException">Nothing came before the deadline.</exception>
    private async Task<int> ReceiveAsync(byte[] buffer, int offset, int count, Deadline deadline)
    {
        var receive = _socket.ReceiveAsync(new ArraySegment<byte>(buffer, offset, count), SocketFlags.None);
        if (!receive.IsCompleted) await deadline.WaitAsync(receive).ConfigureAwait(false);
        return await receive.ConfigureAwait(false);
    }

    /// <exception cref="TimeoutException">The client did not take the bytes before the deadline.</exception>
    private async Task SendAsync(byte[] bytes, Deadline deadline)
    {
        var sent = 0;
        while (sent < bytes.Length)
        {
            var send = _socket.SendAsync(new ArraySegment<byte>(bytes, sent, bytes.Length - sent), SocketFlags.None);
            if (!send.IsCompleted) await deadline.WaitAsync(send).ConfigureAwait(false);
            sent += await send.ConfigureAwait(false);
        }
    }

    private static string Seconds(TimeSpan time) => time.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture);

    private static string TrimCr(string line) => line.Length > 0 && line[line.Length - 1] == '\r' ? line.Substring(0, line.Length - 1) : line;

    /// <summary>Client text quoted in a refusal (it reaches LastRejection): short.</summary>
    private static string Shorten(string text) => text.Length <= 60 ? text : text.Substring(0, 60) + "…";

    private static bool HasControl(string text)
    {
        foreach (var c in text)
        {
            if (c < ' ' && c != '\t' || c == '\u007f') return true;
        }
        return false;
    }

    private static bool IsDigits(string text)
    {
        foreach (var c in text)
        {
            if (c < '0' || c > '9') return false;
        }
        return true;
    }

    /// <summary>RFC 9110 token: the characters of methods and header names.</summary>
    private static bool IsToken(string text)
    {
        if (text.Length == 0) return false;
        foreach (var c in text)
        {
            var ok = c is >= 'a' and <= 'z' or >= 'A' and <= 'Z' or >= '0' and <= '9' ||
                     "!#$%&'*+-.^_`|~".IndexOf(c) >= 0;
            if (!ok) return false;
        }
        return true;
    }

    /// <summary>Whether a comma-separated header value lists <paramref name="token"/> (case-insensitive).</summary>
    private static bool HasToken(string? value, string token)
    {
        if (value is null) return false;
        foreach (var item in value.Split(','))
        {
            if (item.Trim(' ', '\t').Equals(token, StringComparison.OrdinalIgnoreCase)) return true;
        }
        return false;
    }

    private static string ReasonPhrase(int status) => status switch
    {
        200 => "OK",
        201 => "Created",
        202 => "Accepted",
        204 => "No Content",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        409 => "Conflict",
        413 => "Content Too Large",
        422 => "Unprocessable Content",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        505 => "HTTP Version Not Supported",
        _ => "Status",
    };

    /// <summary>A body's bytes as they arrive.</summary>
    private sealed class BodyBuffer
    {
        public byte[] Data = Array.Empty<byte>();
        public int Length;

        /// <summary>Room for <paramref name="extra"/> more bytes, doubling from 16 KB but never past <paramref name="limit"/>.</summary>
        public void Reserve(int extra, int limit)
        {
            if (Data.Length - Length >= extra) return;
            var size = Math.Min(limit, Math.Max(Math.Max(Data.Length * 2, 16 * 1024), Length + extra));
            Array.Resize(ref Data, Math.Max(size, Length + extra));
        }

        public byte[] ToArray()
        {
            if (Data.Length == Length) return Data;
            var exact = new byte[Length];
            Buffer.BlockCopy(Data, 0, exact, 0, Length);
            return exact;
        }
    }

    /// <summary>A point in time on the monotonic clock, and waiting for an operation until then.</summary>
    private readonly struct Deadline
    {
        private readonly long _at;

        private Deadline(long at) => _at = at;

        public static Deadline After(TimeSpan time) => new(Stopwatch.GetTimestamp() + (long)(time.TotalSeconds * Stopwatch.Frequency));

        /// <summary>Waits for <paramref name="operation"/> until the deadline; past it, the operation is left to fail when the socket closes.</summary>
        /// <exception cref="TimeoutException">The deadline passed first.</exception>
        public async Task WaitAsync(Task operation)
        {
            var remaining = TimeSpan.FromSeconds((double)(_at - Stopwatch.GetTimestamp()) / Stopwatch.Frequency);
            if (remaining > TimeSpan.Zero)
            {
                using var cancel = new CancellationTokenSource();
                var first = await Task.WhenAny(operation, Task.Delay(remaining, cancel.Token)).ConfigureAwait(false);
                cancel.Cancel();
                if (first == operation) return;
            }
            else if (operation.IsCompleted)
            {
                return;
            }
            // Observed here, so its failure when the socket closes is not an unobserved task exception.
            _ = operation.ContinueWith(t => _ = t.Exception, CancellationToken.None,
                TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            throw new TimeoutException();
        }
    }
}
