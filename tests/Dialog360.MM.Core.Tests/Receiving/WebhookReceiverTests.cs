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
        int maxRequestsInFlight = 64, double bodyTimeoutSeconds = 30)
    {
        _receiver = new WebhookReceiver(new WebhookReceiverOptions
        {
            Path = _file, Secret = secret, VerifyToken = verifyToken, MaxBodyBytes = maxBodyBytes,
            MaxRequestsInFlight = maxRequestsInFlight, BodyTimeout = TimeSpan.FromSeconds(bodyTimeoutSeconds),
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

    /// <summary>A POST whose headers promise a body that never comes: it holds a request slot until the receiver gives up.</summary>
    private static Socket IdlePost(int port)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveTimeout = 10_000, SendTimeout = 10_000 };
        socket.Connect(IPAddress.Loopback, port);
        socket.Send(Encoding.ASCII.GetBytes($"POST / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{{"));
        return socket;
    }

    /// <summary>Everything the server sends until it closes the connection ("" when it resets it).</summary>
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
        return text.ToString();
    }

    [Fact(Timeout = 60_000)]
    public async Task Beyond_the_cap_requests_get_503_and_are_closed_and_slow_bodies_free_their_slot()
    {
        var receiver = Start(maxRequestsInFlight: 4, bodyTimeoutSeconds: 3);
        var held = Enumerable.Range(0, 4).Select(_ => IdlePost(receiver.Port)).ToList();
        var extra = new System.Collections.Generic.List<Socket>();
        try
        {
            // Wait until the four hold every slot: an ordinary POST then gets 503.
            var deadline = DateTime.UtcNow.AddSeconds(10);
            HttpStatusCode probe;
            while ((probe = await PostAsync("{\"entry\":[]}")) != HttpStatusCode.ServiceUnavailable && DateTime.UtcNow < deadline) await Task.Delay(50);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, probe);

            // A flood of idle POSTs is answered and closed at once, not held open.
            extra.AddRange(Enumerable.Range(0, 40).Select(_ => IdlePost(receiver.Port)));
            foreach (var socket in extra)
            {
                var answer = ReadUntilClosed(socket);
                Assert.StartsWith("HTTP/1.1 503", answer);
                Assert.Contains("Retry-After: 1", answer);
            }

            // The held requests never send their body: after the body timeout their connections are closed.
            // The managed HttpListener (Linux, macOS) sends a status line as it closes; Windows resets the connection.
            foreach (var socket in held)
            {
                var answer = ReadUntilClosed(socket);
                Assert.True(answer == "" || answer.StartsWith("HTTP/1.1 408", StringComparison.Ordinal), answer);
            }
            Assert.Contains("HTTP 408", receiver.LastRejection);
            // The handlers give their slots back just after their connections close: allow them a moment.
            var storedBefore = receiver.StoredCount;
            deadline = DateTime.UtcNow.AddSeconds(10);
            while ((probe = await PostAsync("{\"entry\":[]}")) != HttpStatusCode.OK && DateTime.UtcNow < deadline) await Task.Delay(50);
            Assert.Equal(HttpStatusCode.OK, probe);
            Assert.Equal(storedBefore + 1, receiver.StoredCount);
        }
        finally
        {
            foreach (var socket in held.Concat(extra)) socket.Dispose();
        }
    }

    [Fact]
    public async Task Concurrent_posts_never_interleave_lines()
    {
        var receiver = Start();
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
