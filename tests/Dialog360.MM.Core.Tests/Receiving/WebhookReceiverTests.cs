using System;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Text;
using System.Threading.Tasks;
using Dialog360.MM.Core.Files;
using Dialog360.MM.Core.Webhooks;
using Dialog360.MM.Core.Receiving;

using Dialog360.MM.Core.Tests.Webhooks;

namespace Dialog360.MM.Core.Tests.Receiving;

public sealed class WebhookReceiverTests : IDisposable
{
    private static readonly byte[] Secret = Encoding.UTF8.GetBytes("platform-secret");
    private readonly string _file = Path.Combine(Path.GetTempPath(), $"mm-receiver-{Guid.NewGuid():N}.jsonl");
    private readonly HttpClient _http = new();
    private WebhookReceiver? _receiver;

    private WebhookReceiver Start(byte[]? secret = null, string? verifyToken = null, int maxBodyBytes = 4 * 1024 * 1024,
        int maxConnections = 64, double headerTimeoutSeconds = 5, double bodyTimeoutSeconds = 30)
    {
        _receiver = new WebhookReceiver(new WebhookReceiverOptions
        {
            Path = _file, Secret = secret, VerifyToken = verifyToken, MaxBodyBytes = maxBodyBytes, MaxConnections = maxConnections,
            HeaderTimeout = TimeSpan.FromSeconds(headerTimeoutSeconds), BodyTimeout = TimeSpan.FromSeconds(bodyTimeoutSeconds),
        });
        _receiver.Start();
        return _receiver;
    }

    private Task<HttpStatusCode> PostAsync(string body, string? header = null, string? signature = null) =>
        PostAsync(Encoding.UTF8.GetBytes(body), header, signature);

    private async Task<HttpStatusCode> PostAsync(byte[] body, string? header = null, string? signature = null)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, _receiver!.BaseUri) { Content = content };
        if (header != null) request.Headers.TryAddWithoutValidation(header, signature);
        using var response = await _http.SendAsync(request);
        return response.StatusCode;
    }

    public void Dispose()
    {
        _receiver?.Stop();
        _http.Dispose();
        File.Delete(_file);
    }

    [Fact]
    public async Task Answers_the_subscription_check_only_with_the_right_token()
    {
        var receiver = Start(verifyToken: "tok3n");
        var ok = await _http.GetAsync(new Uri(receiver.BaseUri, "?hub.mode=subscribe&hub.verify_token=tok3n&hub.challenge=1158201444"));
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal("1158201444", await ok.Content.ReadAsStringAsync());
        var wrong = await _http.GetAsync(new Uri(receiver.BaseUri, "?hub.mode=subscribe&hub.verify_token=guess&hub.challenge=1"));
        Assert.Equal(HttpStatusCode.Forbidden, wrong.StatusCode);
        Assert.Contains("hub.verify_token", receiver.LastRejection);
    }

    [Fact]
    public async Task Stores_each_signed_body_as_one_line_and_refuses_bad_or_missing_signatures_with_403()
    {
        var receiver = Start(Secret);
        var body = File.ReadAllText(WebhookReaderTests.Fixture("status-failed.json"));
        Assert.Contains('\n', body);
        var signature = WebhookSignature.Sign(Encoding.UTF8.GetBytes(body), Secret);

        Assert.Equal(HttpStatusCode.OK, await PostAsync(body, "X-Hub-Signature-256", signature));
        Assert.Equal(HttpStatusCode.OK, await PostAsync(body, "x-360dialog-signature", signature.Substring(7).ToUpperInvariant()));
        Assert.Equal(HttpStatusCode.Forbidden, await PostAsync(body, "X-Hub-Signature-256", WebhookSignature.Sign(Encoding.UTF8.GetBytes(body + " "), Secret)));
        Assert.Equal(HttpStatusCode.Forbidden, await PostAsync(body));
        Assert.Equal((2L, 2L), (receiver.StoredCount, receiver.RejectedCount));

        receiver.Stop();
        var lines = File.ReadAllLines(_file);
        Assert.Equal(2, lines.Length);
        Assert.All(lines, l => Assert.Equal(body.Length, l.Length));
        // The stored line reads back as the same event.
        var errors = new System.Collections.Generic.List<WebhookReadError>();
        var events = WebhookReader.Read(File.OpenRead(_file), _file, errors.Add).Cast<MMStatusEvent>().ToList();
        Assert.Empty(errors);
        Assert.All(events, e => Assert.Equal(131049, e.ErrorCode));
    }

    [Fact]
    public async Task Refuses_a_body_that_is_not_JSON_with_400_and_stores_nothing()
    {
        var receiver = Start();
        Assert.Equal(HttpStatusCode.BadRequest, await PostAsync("{\"entry\":"));
        Assert.Equal(HttpStatusCode.OK, await PostAsync("{\"entry\":[]}"));
        receiver.Stop();
        Assert.Equal(new[] { "{\"entry\":[]}" }, File.ReadAllLines(_file));
    }

    [Fact]
    public async Task Refuses_a_body_that_is_not_UTF8_with_400_and_stores_nothing()
    {
        var receiver = Start();
        var bad = Encoding.UTF8.GetBytes("{\"entry\":[],\"note\":\"x\"}");
        bad[Array.IndexOf(bad, (byte)'x')] = 0xFF;
        Assert.Equal(HttpStatusCode.BadRequest, await PostAsync(bad));
        Assert.Contains("UTF-8", receiver.LastRejection);
        Assert.Equal(HttpStatusCode.OK, await PostAsync("{\"entry\":[]}"));
        receiver.Stop();
        Assert.Equal(new[] { "{\"entry\":[]}" }, File.ReadAllLines(_file));
    }

    [Fact]
    public async Task A_verify_token_that_only_starts_or_ends_like_the_right_one_is_refused()
    {
        var receiver = Start(verifyToken: "tok3n");
        foreach (var guess in new[] { "tok3", "tok3n ", "tok3nn", "Tok3n", "" })
        {
            using var answer = await _http.GetAsync(new Uri(receiver.BaseUri, $"?hub.mode=subscribe&hub.verify_token={Uri.EscapeDataString(guess)}&hub.challenge=1"));
            Assert.Equal(HttpStatusCode.Forbidden, answer.StatusCode);
        }
    }

    [Fact]
    public void A_second_receiver_on_the_same_file_fails_naming_the_first_and_starts_once_it_stopped()
    {
        var first = Start();
        var second = new WebhookReceiver(new WebhookReceiverOptions { Path = _file });
        var ex = Assert.Throws<FileLockedException>(second.Start);
        Assert.NotNull(ex.Holder);
        Assert.Equal("webhook receiver", ex.Holder!.Purpose);
        Assert.Equal(Environment.ProcessId, ex.Holder.ProcessId);
        Assert.False(second.IsRunning);
        first.Stop();
        second.Start();
        second.Stop();
    }

    private static Socket Connect(int port, string send = "")
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveTimeout = 10_000, SendTimeout = 10_000 };
        socket.Connect(IPAddress.Loopback, port);
        if (send.Length > 0) socket.Send(Encoding.ASCII.GetBytes(send));
        return socket;
    }

    /// <summary>A POST whose headers promise a body that never comes.</summary>
    private static string PostHead(int port, int contentLength = 100) =>
        $"POST / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\nContent-Length: {contentLength}\r\n\r\n";

    /// <summary>
    /// Everything the server sends until it closes the connection ("" when it resets it); fails when the connection
    /// is still open after ten seconds.
    /// </summary>
    private static string ReadUntilClosed(Socket socket)
    {
        var text = new StringBuilder();
        var buffer = new byte[4096];
        try
        {
            int n;
            while ((n = socket.Receive(buffer)) > 0) text.Append(Encoding.ASCII.GetString(buffer, 0, n));
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.ConnectionReset) { }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.TimedOut)
        {
            Assert.Fail($"The connection is still open after {socket.ReceiveTimeout / 1000} s; received so far: '{text}'.");
        }
        return text.ToString();
    }

    private static async Task WaitUntil(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail("Timed out waiting until " + what);
            await Task.Delay(20);
        }
    }

    [Fact(Timeout = 60_000)]
    public async Task Connections_that_send_nothing_or_part_of_a_head_are_closed_after_the_header_timeout()
    {
        var receiver = Start(headerTimeoutSeconds: 1);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var silent = Enumerable.Range(0, 10).Select(_ => Connect(receiver.Port)).ToList();
        var partialLine = Enumerable.Range(0, 5).Select(_ => Connect(receiver.Port, "POST / HT")).ToList();
        var partialHeaders = Enumerable.Range(0, 5).Select(_ => Connect(receiver.Port, "POST / HTTP/1.1\r\nHost: x\r\nContent-Le")).ToList();
        try
        {
            await WaitUntil(() => receiver.OpenConnections == 20, "the receiver holds all 20 connections");
            // Each is closed by the receiver: silently when nothing came, with 408 when part of a request did.
            Assert.All(silent, s => Assert.Equal("", ReadUntilClosed(s)));
            Assert.All(partialLine.Concat(partialHeaders), s => Assert.StartsWith("HTTP/1.1 408", ReadUntilClosed(s)));
            Assert.InRange(watch.Elapsed.TotalSeconds, 0.9, 6);
            await WaitUntil(() => receiver.OpenConnections == 0, "the receiver has closed them all");
            Assert.Equal(20, receiver.RejectedCount);
            Assert.Contains("HTTP 408", receiver.LastRejection);
            Assert.Equal(HttpStatusCode.OK, await PostAsync("{\"entry\":[]}"));
            Assert.Equal(1, receiver.StoredCount);
        }
        finally
        {
            foreach (var socket in silent.Concat(partialLine).Concat(partialHeaders)) socket.Dispose();
        }
    }

    [Fact(Timeout = 60_000)]
    public async Task A_head_sent_a_byte_at_a_time_is_cut_off_at_the_header_timeout()
    {
        var receiver = Start(headerTimeoutSeconds: 1);
        using var socket = Connect(receiver.Port);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var head = Encoding.ASCII.GetBytes(PostHead(receiver.Port));
        var sent = 0;
        try
        {
            // Slowloris: a byte every 100 ms keeps the connection busy but never finishes the head in time.
            for (; sent < head.Length && watch.Elapsed < TimeSpan.FromSeconds(8); sent++)
            {
                socket.Send(head, sent, 1, SocketFlags.None);
                await Task.Delay(100);
            }
        }
        catch (SocketException)
        {
            // Closed by the receiver while we were still sending.
        }
        Assert.True(sent < head.Length, "the whole head went through");
        Assert.InRange(watch.Elapsed.TotalSeconds, 0.9, 6);
        Assert.Contains("request line and headers not received within 1 s", receiver.LastRejection);
    }

    [Fact(Timeout = 60_000)]
    public async Task Connections_over_the_cap_are_refused_at_once_while_a_real_post_still_succeeds()
    {
        var receiver = Start(maxConnections: 8, headerTimeoutSeconds: 30);
        var idle = Enumerable.Range(0, 7).Select(_ => Connect(receiver.Port)).ToList();
        var flood = new System.Collections.Generic.List<Socket>();
        try
        {
            await WaitUntil(() => receiver.OpenConnections == 7, "the receiver holds the 7 idle connections");
            // The eighth place is free: a sender's POST is stored, and its connection is kept for the next one.
            Assert.Equal(HttpStatusCode.OK, await PostAsync("{\"n\":1}"));

            // Every connection beyond the cap gets 503 with Retry-After (or, if the answer raced its request, a reset)
            // and is closed at once, not held until a timeout.
            for (var i = 0; i < 40; i++)
            {
                var watch = System.Diagnostics.Stopwatch.StartNew();
                var socket = Connect(receiver.Port, PostHead(receiver.Port, 2) + "{}");
                flood.Add(socket);
                var answer = ReadUntilClosed(socket);
                Assert.True(answer == "" || answer.StartsWith("HTTP/1.1 503", StringComparison.Ordinal), answer);
                if (answer != "") Assert.Contains("Retry-After: 1", answer);
                Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2), $"refused after {watch.Elapsed.TotalSeconds:0.0} s");
                Assert.True(receiver.OpenConnections <= 8, $"{receiver.OpenConnections} connections open");
            }
            Assert.Contains("HTTP 503: more than 8 connections open", receiver.LastRejection);
            Assert.Equal(40, receiver.RejectedCount);

            // The sender's kept connection still works during the flood, and nothing of the flood was stored.
            Assert.Equal(HttpStatusCode.OK, await PostAsync("{\"n\":2}"));
            receiver.Stop();
            Assert.Equal(new[] { "{\"n\":1}", "{\"n\":2}" }, File.ReadAllLines(_file));
        }
        finally
        {
            foreach (var socket in idle.Concat(flood)) socket.Dispose();
        }
    }

    [Fact(Timeout = 60_000)]
    public async Task A_body_that_trickles_in_is_cut_off_with_408_at_the_body_timeout_and_frees_its_place()
    {
        var receiver = Start(maxConnections: 1, bodyTimeoutSeconds: 1);
        using var socket = Connect(receiver.Port, PostHead(receiver.Port));
        var watch = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            for (var i = 0; i < 80 && watch.Elapsed < TimeSpan.FromSeconds(8); i++)
            {
                socket.Send(new[] { (byte)' ' });
                await Task.Delay(100);
            }
        }
        catch (SocketException)
        {
            // Closed by the receiver while we were still sending.
        }
        Assert.StartsWith("HTTP/1.1 408", ReadUntilClosed(socket));
        Assert.InRange(watch.Elapsed.TotalSeconds, 0.9, 6);
        Assert.Contains("HTTP 408: body not received within 1 s", receiver.LastRejection);
        await WaitUntil(() => receiver.OpenConnections == 0, "the slow connection is closed");
        Assert.Equal(HttpStatusCode.OK, await PostAsync("{\"entry\":[]}"));
        Assert.Equal(1, receiver.StoredCount);
    }

    /// <summary>Sends raw bytes and returns all the receiver answers on that connection until it closes it.</summary>
    private string Exchange(string request)
    {
        using var socket = Connect(_receiver!.Port, request);
        return ReadUntilClosed(socket);
    }

    [Fact]
    public void Keeps_a_connection_for_the_next_request_and_answers_pipelined_requests_in_order()
    {
        var receiver = Start(headerTimeoutSeconds: 1);
        var answers = Exchange(
            PostHead(receiver.Port, 7) + "{\"n\":1}" +
            PostHead(receiver.Port, 7) + "{\"n\":2}" +
            $"GET /?hub.mode=subscribe HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        var statusLines = answers.Split("\r\n").Where(l => l.StartsWith("HTTP/1.1", StringComparison.Ordinal)).ToList();
        Assert.Equal(new[] { "HTTP/1.1 200 OK", "HTTP/1.1 200 OK", "HTTP/1.1 403 Forbidden" }, statusLines);
        Assert.EndsWith("Connection: close\r\n\r\nsubscription check refused: the receiver has no verify token", answers);
        receiver.Stop();
        Assert.Equal(new[] { "{\"n\":1}", "{\"n\":2}" }, File.ReadAllLines(_file));
    }

    [Fact]
    public void Stores_a_chunked_body_and_answers_Expect_100_continue()
    {
        var receiver = Start(Secret);
        var body = "{\"entry\":[],\"object\":\"whatsapp_business_account\"}";
        var signature = WebhookSignature.Sign(Encoding.UTF8.GetBytes(body), Secret);
        var chunked = $"{10:x}\r\n{body.Substring(0, 10)}\r\n{body.Length - 10:x};ext=1\r\n{body.Substring(10)}\r\n0\r\nTrailer: x\r\n\r\n";
        var answer = Exchange($"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nX-Hub-Signature-256: {signature}\r\nConnection: close\r\n\r\n{chunked}");
        Assert.StartsWith("HTTP/1.1 200 OK", answer);

        using (var socket = Connect(receiver.Port, $"POST / HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: {body.Length}\r\nX-Hub-Signature-256: {signature}\r\nConnection: close\r\n\r\n"))
        {
            var buffer = new byte[256];
            var interim = Encoding.ASCII.GetString(buffer, 0, socket.Receive(buffer));
            Assert.Equal("HTTP/1.1 100 Continue\r\n\r\n", interim);
            socket.Send(Encoding.UTF8.GetBytes(body));
            Assert.StartsWith("HTTP/1.1 200 OK", ReadUntilClosed(socket));
        }
        receiver.Stop();
        Assert.Equal(new[] { body, body }, File.ReadAllLines(_file));
    }

    [Theory]
    [InlineData("GARBAGE\r\n\r\n", "HTTP/1.1 400", "is not METHOD TARGET HTTP/1.1")]
    [InlineData("POST / HTTP/2.0\r\n\r\n", "HTTP/1.1 505", "HTTP/2.0 is not supported")]
    [InlineData("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", "HTTP/1.1 400", "both Transfer-Encoding and Content-Length")]
    [InlineData("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 2, 3\r\n\r\n{}", "HTTP/1.1 400", "is not one number")]
    [InlineData("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n", "HTTP/1.1 501", "Transfer-Encoding 'gzip' is not supported")]
    [InlineData("POST / HTTP/1.1\r\nHost: x\r\n folded: no\r\n\r\n", "HTTP/1.1 400", "folded")]
    [InlineData("POST / HTTP/1.1\r\nHost : x\r\n\r\n", "HTTP/1.1 400", "is not Name: value")]
    [InlineData("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", "HTTP/1.1 400", "is not a hexadecimal number")]
    [InlineData("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 999999999\r\n\r\n", "HTTP/1.1 413", "body larger than 4194304 bytes")]
    [InlineData("DELETE / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", "HTTP/1.1 405", "method DELETE is not GET or POST")]
    public void Refuses_a_request_it_cannot_read_with_its_status_and_reason_and_closes(string request, string status, string reason)
    {
        var receiver = Start(headerTimeoutSeconds: 2);
        var answer = Exchange(request);
        Assert.StartsWith(status, answer);
        Assert.Contains(reason, answer);
        Assert.Contains(reason, receiver.LastRejection);
        Assert.Equal(0, receiver.StoredCount);
    }

    [Fact]
    public void Refuses_a_head_over_16_KB_with_431()
    {
        var receiver = Start();
        var answer = Exchange($"POST / HTTP/1.1\r\nHost: x\r\nX-Pad: {new string('a', 20_000)}\r\n\r\n");
        Assert.StartsWith("HTTP/1.1 431", answer);
        Assert.Contains("HTTP 431", receiver.LastRejection);
    }

    [Fact]
    public async Task Concurrent_posts_never_interleave_lines()
    {
        // Room for all 200 connections at once: this is about the file, not the cap.
        var receiver = Start(maxConnections: 256);
        var bodies = Enumerable.Range(0, 200).Select(i => $"{{\"n\":{i},\"pad\":\"{new string('x', 5000 + i)}\"}}").ToList();
        var codes = await Task.WhenAll(bodies.Select(b => PostAsync(b)));
        Assert.All(codes, c => Assert.Equal(HttpStatusCode.OK, c));
        receiver.Stop();
        var lines = File.ReadAllLines(_file);
        Assert.Equal(bodies.OrderBy(b => b), lines.OrderBy(l => l));
    }

    [Fact]
    public async Task Appends_after_a_half_line_left_in_the_file_on_a_line_of_its_own()
    {
        File.WriteAllText(_file, "{\"entry\":[{\"id\"");
        Start();
        Assert.Equal(HttpStatusCode.OK, await PostAsync("{\"entry\":[]}"));
        _receiver!.Stop();
        Assert.Equal(new[] { "{\"entry\":[{\"id\"", "{\"entry\":[]}" }, File.ReadAllLines(_file));
    }

    [Fact]
    public async Task Refuses_a_body_over_the_limit_with_413()
    {
        var receiver = Start(maxBodyBytes: 100);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, await PostAsync($"{{\"pad\":\"{new string('x', 200)}\"}}"));
        Assert.Equal(HttpStatusCode.OK, await PostAsync("{\"entry\":[]}"));
        Assert.Equal(1, receiver.StoredCount);
    }

    [Fact]
    public void A_port_in_use_fails_to_start_and_releases_the_file()
    {
        var first = Start();
        var second = new WebhookReceiver(new WebhookReceiverOptions { Path = _file + ".2", Port = first.Port });
        var ex = Assert.Throws<InvalidOperationException>(second.Start);
        Assert.Contains($"127.0.0.1:{first.Port}", ex.Message);
        File.Delete(_file + ".2");
    }

    [Fact]
    public async Task Other_methods_get_405()
    {
        var receiver = Start();
        using var response = await _http.PutAsync(receiver.BaseUri, new StringContent("{}"));
        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
    }
}
