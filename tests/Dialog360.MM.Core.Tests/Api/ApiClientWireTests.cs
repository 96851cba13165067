using System;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Dialog360.MM.Core.Api;
using Dialog360.MM.Core.Campaigns;
using Dialog360.MM.Core.Http;
using Dialog360.MM.Core.Messages;
using Dialog360.MM.Core.Tests.Campaigns;

namespace Dialog360.MM.Core.Tests.Api;

/// <summary>What leaves the client, and when: redirects are never followed, and a send leaves only through its gate.</summary>
public sealed class ApiClientWireTests : IDisposable
{
    private const string Key = "secret-key-abcd1234";
    private static readonly byte[] Acceptance = Encoding.UTF8.GetBytes(
        "{\"messaging_product\":\"whatsapp\",\"contacts\":[{\"input\":\"447911123456\",\"wa_id\":\"447911123456\"}],\"messages\":[{\"id\":\"wamid.elsewhere\"}]}");

    private readonly LoopbackHttpServer _elsewhere;
    private readonly ConcurrentQueue<string> _keysElsewhere = new();
    private LoopbackHttpServer? _redirector;

    public ApiClientWireTests()
    {
        // Where a redirect points: another port that accepts anything and notes every key it is given.
        _elsewhere = new LoopbackHttpServer(request =>
        {
            _keysElsewhere.Enqueue(request.Headers[ApiClient.KeyHeader] ?? "(none)");
            return Task.FromResult(new LoopbackResponse(200, Acceptance, "application/json"));
        });
        _elsewhere.Start(0, "elsewhere");
    }

    public void Dispose()
    {
        _redirector?.Stop();
        _elsewhere.Stop();
    }

    private ApiClient Redirecting(int status)
    {
        _redirector = new LoopbackHttpServer(_ => Task.FromResult(new LoopbackResponse(status, Array.Empty<byte>(), null)
            .WithHeader("Location", $"http://127.0.0.1:{_elsewhere.Port}/marketing_messages?from=redirect")));
        _redirector.Start(0, "redirector");
        return new ApiClient(new Uri($"http://127.0.0.1:{_redirector.Port}"), ApiKey.FromPlainText(Key));
    }

    [Theory]
    [InlineData(301)]
    [InlineData(302)]
    [InlineData(307)]
    [InlineData(308)]
    public void A_send_answered_with_a_redirect_fails_with_its_hint_and_the_key_never_leaves_for_where_it_points(int status)
    {
        using var client = Redirecting(status);
        using var runner = new RunnerProbe(client, new CampaignOptions { MessagesPerSecond = 100, RetryBaseDelay = TimeSpan.FromMilliseconds(10) }, null, CancellationToken.None);
        Assert.True(runner.TryAdd(new TemplateMessage("447911123456", "welcome_offer"), "447911123456", TimeSpan.FromSeconds(5)));
        runner.Complete();
        Assert.True(runner.WaitForAll(TimeSpan.FromSeconds(10)));
        Assert.True(runner.TryTakeOutcome(out var outcome));

        var result = outcome.Result;
        Assert.Equal(SendStatus.Failed, result.Status); // not Accepted, not Unknown
        Assert.Equal(1, result.Attempts); // never retried
        Assert.Equal($"HTTP{status}", result.ErrorCode);
        Assert.Contains($"redirect to http://127.0.0.1:{_elsewhere.Port}", result.ErrorMessage);
        Assert.DoesNotContain("from=redirect", result.ErrorMessage); // where it points, not what it carries
        Assert.Contains("-BaseUri", result.ErrorHint);
        Assert.Equal(ApiErrorKind.Redirect, Assert.IsType<ApiException>(outcome.Error).Kind);
        Assert.Empty(_keysElsewhere);
    }

    [Fact]
    public async Task A_read_answered_with_a_redirect_fails_too()
    {
        using var client = Redirecting(302);
        var ex = await Assert.ThrowsAsync<ApiException>(() => client.ValidateKeyAsync(CancellationToken.None));
        Assert.Equal(302, ex.HttpStatus);
        Assert.Equal(ApiErrorKind.Redirect, ex.Kind);
        Assert.Empty(_keysElsewhere);
    }

    [Fact]
    public async Task Nothing_of_a_send_leaves_before_its_gate_opens_on_the_open_connection()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            using var client = new ApiClient(new Uri($"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}"), ApiKey.FromPlainText(Key));
            var gate = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            var atGate = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            var send = client.SendTemplateAsync(new TemplateMessage("447911123456", "welcome_offer"), SendRoute.MarketingMessages, CancellationToken.None,
                async _ =>
                {
                    atGate.TrySetResult(true);
                    await gate.Task;
                });
            using var server = await listener.AcceptSocketAsync().WaitAsync(TimeSpan.FromSeconds(10));
            await atGate.Task.WaitAsync(TimeSpan.FromSeconds(10)); // the connection is open and the request waits
            await Task.Delay(200);
            Assert.Equal(0, server.Available);

            gate.SetResult(true);
            var buffer = new byte[8192];
            var read = 0;
            while (!Encoding.ASCII.GetString(buffer, 0, read).Contains("welcome_offer"))
                read += await server.ReceiveAsync(buffer.AsMemory(read), SocketFlags.None).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
            Assert.StartsWith("POST /marketing_messages", Encoding.ASCII.GetString(buffer, 0, read));
            server.Close();
            await Assert.ThrowsAnyAsync<Exception>(() => send);
        }
        finally { listener.Stop(); }
    }

    [Fact]
    public async Task What_the_gate_throws_comes_out_as_it_was_and_nothing_left()
    {
        var requests = 0;
        var server = new LoopbackHttpServer(_ =>
        {
            Interlocked.Increment(ref requests);
            return Task.FromResult(new LoopbackResponse(200, Array.Empty<byte>(), null));
        });
        server.Start(0, "server");
        try
        {
            using var client = new ApiClient(new Uri($"http://127.0.0.1:{server.Port}"), ApiKey.FromPlainText(Key));
            var refusal = new InvalidOperationException("the journal is full");
            var thrown = await Assert.ThrowsAsync<InvalidOperationException>(() => client.SendTemplateAsync(
                new TemplateMessage("447911123456", "welcome_offer"), SendRoute.MarketingMessages, CancellationToken.None, _ => throw refusal));
            Assert.Same(refusal, thrown);

            using var stop = new CancellationTokenSource();
            var stopped = client.SendTemplateAsync(new TemplateMessage("447911123456", "welcome_offer"), SendRoute.MarketingMessages, CancellationToken.None,
                async _ =>
                {
                    stop.Cancel();
                    await Task.Yield();
                    stop.Token.ThrowIfCancellationRequested();
                });
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => stopped);
            await Task.Delay(100);
            Assert.Equal(0, requests);
        }
        finally { server.Stop(); }
    }
}
