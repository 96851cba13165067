using System;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text;
using System.Threading.Tasks;
using Dialog360.MM.Core.Webhooks;

namespace Dialog360.MM.Core.Tests.Webhooks;

public sealed class WebhookReceiverTests : IDisposable
{
    private static readonly byte[] Secret = Encoding.UTF8.GetBytes("platform-secret");
    private readonly string _file = Path.Combine(Path.GetTempPath(), $"mm-receiver-{Guid.NewGuid():N}.jsonl");
    private readonly HttpClient _http = new();
    private WebhookReceiver? _receiver;

    private WebhookReceiver Start(byte[]? secret = null, string? verifyToken = null, int maxBodyBytes = 4 * 1024 * 1024)
    {
        _receiver = new WebhookReceiver(new WebhookReceiverOptions { Path = _file, Secret = secret, VerifyToken = verifyToken, MaxBodyBytes = maxBodyBytes });
        _receiver.Start();
        return _receiver;
    }

    private async Task<HttpStatusCode> PostAsync(string body, string? header = null, string? signature = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, _receiver!.BaseUri) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
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
