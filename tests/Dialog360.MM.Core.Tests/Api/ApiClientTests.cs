using System;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using Dialog360.MM.Core.Api;
using Dialog360.MM.Emulator;
using Dialog360.MM.Core.Messages;

namespace Dialog360.MM.Core.Tests.Api;

public sealed class ApiClientTests : IDisposable
{
    private readonly MarketingApiEmulator _emulator = new(new EmulatorOptions { ApiKey = "test-key-abcd" });

    public ApiClientTests() => _emulator.Start();

    public void Dispose() => _emulator.Dispose();

    private ApiClient Client(string key = "test-key-abcd", TimeSpan? timeout = null) =>
        new(_emulator.BaseUri, ApiKey.FromPlainText(key), new ApiClientOptions { UserAgent = "tests/1.0", RequestTimeout = timeout ?? TimeSpan.FromSeconds(10) });

    [Fact]
    public async Task Send_posts_to_marketing_messages_with_the_key_header_and_reads_the_answer()
    {
        using var client = Client();
        var response = await client.SendTemplateAsync(new TemplateMessage("447911123456", "welcome_offer"), SendRoute.MarketingMessages, CancellationToken.None);
        Assert.Equal("447911123456", response.WaId);
        Assert.StartsWith("wamid.", response.MessageId);
        Assert.Equal("accepted", response.MessageStatus);
        var request = _emulator.Requests.Single();
        Assert.Equal("/marketing_messages", request.Path);
        Assert.Equal("tests/1.0", request.UserAgent);
        Assert.Equal(1, _emulator.AcceptedCount("447911123456"));
    }

    [Fact]
    public async Task A_wrong_key_raises_an_authentication_ApiException()
    {
        using var client = Client("wrong-key-9999");
        var ex = await Assert.ThrowsAsync<ApiException>(() => client.ValidateKeyAsync(CancellationToken.None));
        Assert.Equal(401, ex.HttpStatus);
        Assert.Equal(ApiErrorKind.Authentication, ex.Kind);
    }

    [Fact]
    public async Task Route_errors_arrive_in_360dialog_shape_and_are_parsed()
    {
        using var client = Client();
        var ex = await Assert.ThrowsAsync<ApiException>(() =>
            client.SendTemplateAsync(new TemplateMessage("447911123456", "order_update", bodyParameters: new[] { new TextParameter("A-1") }),
                SendRoute.MarketingMessages, CancellationToken.None));
        Assert.Equal(131055, ex.Code);
        Assert.Equal(400, ex.HttpStatus);
        Assert.Equal(ApiErrorKind.Template, ex.Kind);
    }

    [Fact]
    public async Task Connection_refused_is_a_transport_error_that_was_not_sent()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        using var client = new ApiClient(new Uri($"http://127.0.0.1:{port}"), ApiKey.FromPlainText("k-0000"));
        var ex = await Assert.ThrowsAsync<ApiTransportException>(() => client.ValidateKeyAsync(CancellationToken.None));
        Assert.False(ex.IsTimeout);
        Assert.False(ex.RequestMayHaveBeenSent);
    }

    [Fact]
    public async Task A_slow_answer_is_a_timeout_that_may_have_been_sent()
    {
        _emulator.Options.Latency = TimeSpan.FromSeconds(2);
        using var client = Client(timeout: TimeSpan.FromMilliseconds(200));
        var ex = await Assert.ThrowsAsync<ApiTransportException>(() =>
            client.SendTemplateAsync(new TemplateMessage("447911123456", "welcome_offer"), SendRoute.MarketingMessages, CancellationToken.None));
        Assert.True(ex.IsTimeout);
        Assert.True(ex.RequestMayHaveBeenSent);
    }

    [Fact]
    public async Task Cancellation_by_the_caller_is_not_reported_as_a_timeout()
    {
        _emulator.Options.Latency = TimeSpan.FromSeconds(2);
        using var client = Client();
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            client.SendTemplateAsync(new TemplateMessage("447911123456", "welcome_offer"), SendRoute.MarketingMessages, cts.Token));
    }

    [Theory]
    [InlineData("http://example.com")]
    [InlineData("ftp://127.0.0.1")]
    [InlineData("/relative")]
    public void Insecure_or_odd_base_addresses_are_refused(string uri) =>
        Assert.Throws<ArgumentException>(() => ApiClient.NormalizeBaseUri(new Uri(uri, UriKind.RelativeOrAbsolute)));

    [Theory]
    [InlineData("https://waba-v2.360dialog.io", "https://waba-v2.360dialog.io/marketing_messages")]
    [InlineData("https://proxy.example/360/", "https://proxy.example/360/marketing_messages")]
    [InlineData("http://127.0.0.1:8080", "http://127.0.0.1:8080/marketing_messages")]
    [InlineData("http://localhost:8080/base", "http://localhost:8080/base/marketing_messages")]
    public void Routes_append_to_the_base_address(string baseUri, string expected)
    {
        using var client = new ApiClient(new Uri(baseUri), ApiKey.FromPlainText("k-0000"));
        Assert.Equal(expected, client.RouteUri("marketing_messages").ToString());
    }

    [Fact]
    public void The_key_shows_only_its_last_four_characters()
    {
        var key = ApiKey.FromPlainText("abcdefghijklmnop1234");
        Assert.Equal("1234", key.Hint);
        Assert.Equal("****1234", key.ToString());
        Assert.DoesNotContain("abcdef", key.ToString());
    }

    [Theory]
    [InlineData("short-1234")]
    [InlineData("abcdefghijk")]
    public void A_key_shorter_than_twelve_characters_shows_no_characters(string plain)
    {
        var key = ApiKey.FromPlainText(plain);
        Assert.Equal("****", key.Hint);
        Assert.Equal("********", key.ToString());
    }

    [Theory]
    [InlineData("good-key-1234\r\nX-Injected: yes", 14)]
    [InlineData("good-key-1234\n", 14)]
    [InlineData("good\tkey-1234", 5)]
    [InlineData("\0good-key-1234", 1)]
    [InlineData("good-key-1234\u007f", 14)]
    public void Control_characters_in_a_key_are_refused_naming_the_position_not_the_key(string plain, int position)
    {
        var ex = Assert.Throws<ArgumentException>(() => ApiKey.FromPlainText(plain));
        Assert.Contains($"position {position} of {plain.Length}", ex.Message);
        Assert.DoesNotContain("good", ex.Message);
        Assert.DoesNotContain("1234", ex.Message);
    }

    [Fact]
    public void The_header_value_is_one_pinned_copy_that_is_zeroed_on_dispose()
    {
        using var key = ApiKey.FromPlainText("abcdefghijklmnop1234");
        var header = key.CreateHeaderValue();
        var value = header.Value;
        Assert.Equal("abcdefghijklmnop1234", value);
        header.Dispose();
        Assert.Equal(new string('\0', 20), value);
        header.Dispose(); // twice is harmless
    }

    [Fact]
    public async Task Every_request_of_a_client_carries_the_key_set_once()
    {
        using var client = Client();
        for (var i = 0; i < 20; i++)
            await client.SendTemplateAsync(new TemplateMessage("447911123456", "welcome_offer"), SendRoute.MarketingMessages, CancellationToken.None);
        Assert.Equal(20, _emulator.AcceptedCount("447911123456"));
    }
}
