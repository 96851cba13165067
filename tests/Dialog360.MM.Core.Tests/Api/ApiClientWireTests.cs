using System;
using System.Collections.Concurrent;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Dialog360.MM.Core.Api;
using Dialog360.MM.Core.Campaigns;
using Dialog360.MM.Core.Http;
using Dialog360.MM.Core.Messages;
using Dialog360.MM.Core.Tests.Campaigns;

namespace Dialog360.MM.Core.Tests.Api;

/// <summary>What leaves the client: redirects are never followed.</summary>
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
        _elsewhere = new LoopbackHttpServer(async context =>
        {
            _keysElsewhere.Enqueue(context.Request.Headers[ApiClient.KeyHeader] ?? "(none)");
            context.Response.StatusCode = 200;
            context.Response.ContentType = "application/json";
            await context.Response.OutputStream.WriteAsync(Acceptance);
            context.Response.Close();
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
        _redirector = new LoopbackHttpServer(context =>
        {
            context.Response.StatusCode = status;
            context.Response.RedirectLocation = $"http://127.0.0.1:{_elsewhere.Port}/marketing_messages?from=redirect";
            context.Response.Close();
            return Task.CompletedTask;
        });
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
}
