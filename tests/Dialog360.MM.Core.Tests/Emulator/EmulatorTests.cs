using System;
using System.Net;
using System.Net.Http;
using System.Text;
using System.Threading.Tasks;
using Dialog360.MM.Emulator;

namespace Dialog360.MM.Core.Tests.Emulator;

/// <summary>The emulator must answer like the real API, or tests against it prove nothing.</summary>
public sealed class EmulatorTests : IDisposable
{
    private readonly MarketingApiEmulator _emulator;
    private readonly HttpClient _http = new();

    public EmulatorTests()
    {
        _emulator = new MarketingApiEmulator(new EmulatorOptions { ApiKey = "k", FailRecipients = { ["447700900003"] = 131050 } });
        _emulator.Start();
    }

    public void Dispose()
    {
        _http.Dispose();
        _emulator.Dispose();
    }

    private Task<(HttpStatusCode Status, string Body)> Post(string path, string json, string key = "k") => PostTo(_emulator, json, path, key);

    private async Task<(HttpStatusCode Status, string Body)> PostTo(MarketingApiEmulator emulator, string json, string path = "marketing_messages", string key = "k")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(emulator.BaseUri, path)) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.Add("D360-API-KEY", key);
        using var response = await _http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private static string Body(string to = "447911123456", string name = "welcome_offer", string extra = "", string type = "template", string code = "en") =>
        $"{{\"messaging_product\":\"whatsapp\",\"recipient_type\":\"individual\",\"to\":\"{to}\",\"type\":\"{type}\",\"template\":{{\"name\":\"{name}\",\"language\":{{\"code\":\"{code}\",\"policy\":\"deterministic\"}}}}{extra}}}";

    [Fact]
    public async Task Accepts_a_valid_send_with_the_response_schema()
    {
        var (status, body) = await Post("marketing_messages", Body());
        Assert.Equal(HttpStatusCode.OK, status);
        // Since 2026 the answer names the person's business-scoped user ID too.
        Assert.Matches("^\\{\"messaging_product\":\"whatsapp\",\"contacts\":\\[\\{\"input\":\"447911123456\",\"wa_id\":\"447911123456\",\"user_id\":\"[A-Z]{2}\\.[0-9]{20}\"\\}\\],\"messages\":\\[\\{\"id\":\"wamid\\.[A-Z0-9]+\",\"message_status\":\"accepted\"\\}\\]\\}$", body);
        Assert.Contains($"\"user_id\":\"{_emulator.UserIdOf("447911123456")}\"", body);
    }

    [Fact]
    public async Task Wrong_key_gets_401_with_a_bare_string()
    {
        var (status, body) = await Post("marketing_messages", Body(), key: "nope");
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("{\"error\":\"Invalid api token.\"}", body);
        Assert.Equal(0, _emulator.AcceptedCount("447911123456"));
    }

    [Theory]
    [InlineData(",\"foo\":1", "Unexpected key \\\"foo\\\"")]
    [InlineData(",\"message_send_ttl_seconds\":60", "43200")]
    [InlineData(",\"product_policy\":\"LOOSE\"", "CLOUD_API_FALLBACK")]
    [InlineData(",\"bid_spec\":{\"per_message_bid_multiplier\":1.5}", "per_message_bid_multiplier")]
    [InlineData(",\"bid_spec\":{\"per_message_bid_multiplier\":\"0\"}", "above 0")]
    public async Task Invalid_top_level_fields_get_error_100_in_360dialog_shape(string extra, string detail)
    {
        var (status, body) = await Post("marketing_messages", Body(extra: extra));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.StartsWith("{\"detail\":{\"error\":{", body);
        Assert.Contains("\"code\":100", body);
        Assert.Contains(detail, body);
    }

    [Fact]
    public async Task A_non_template_message_is_refused_on_the_MM_route()
    {
        var (_, body) = await Post("marketing_messages", Body(type: "text"));
        Assert.Contains("Message must be a template message", body);
    }

    [Theory]
    [InlineData("no_such", "en", 132001)]
    [InlineData("spring_sale", "fr", 132001)]
    [InlineData("winter_teaser", "en", 132001)]
    [InlineData("order_update", "en", 131055)]
    [InlineData("spring_sale", "en", 132000)]
    public async Task Template_problems_get_their_Graph_codes(string name, string code, int expected)
    {
        var (_, body) = await Post("marketing_messages", Body(name: name, code: code));
        Assert.Contains($"\"code\":{expected}", body);
    }

    [Fact]
    public async Task A_max_price_template_is_sent_with_a_bid_multiplier_on_the_MM_route_and_refused_with_131061_on_Cloud_API()
    {
        static string Send(string extra) => "{\"messaging_product\":\"whatsapp\",\"recipient_type\":\"individual\",\"to\":\"447911123456\",\"type\":\"template\"," +
            "\"template\":{\"name\":\"flash_sale\",\"language\":{\"code\":\"en\",\"policy\":\"deterministic\"}," +
            "\"components\":[{\"type\":\"body\",\"parameters\":[{\"type\":\"text\",\"text\":\"Ada\"}]}]}" + extra + "}";
        var (status, _) = await Post("marketing_messages", Send(",\"bid_spec\":{\"per_message_bid_multiplier\":\"1.5\"}"));
        Assert.Equal(HttpStatusCode.OK, status);
        var (refused, body) = await Post("messages", Send(""));
        Assert.Equal(HttpStatusCode.BadRequest, refused);
        Assert.StartsWith("{\"error\":{", body);
        Assert.Contains("\"code\":131061", body);
    }

    [Fact]
    public async Task The_Cloud_API_route_answers_errors_in_Meta_shape()
    {
        var (_, body) = await Post("messages", Body(name: "no_such"));
        Assert.StartsWith("{\"error\":{", body);
    }

    [Fact]
    public async Task A_recipient_set_to_fail_gets_its_code_and_is_not_counted_as_accepted()
    {
        var (_, body) = await Post("marketing_messages", Body(to: "447700900003"));
        Assert.Contains("\"code\":131050", body);
        Assert.Equal(0, _emulator.AcceptedCount("447700900003"));
    }

    [Fact]
    public async Task Template_listing_pages_with_limit_and_offset()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_emulator.BaseUri, "v1/configs/templates?limit=2&offset=1"));
        request.Headers.Add("D360-API-KEY", "k");
        using var response = await _http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains("\"count\":2", body);
        Assert.Contains($"\"total\":{EmulatorTemplate.Defaults.Count}", body);
        Assert.Contains("\"offset\":1", body);
        Assert.Contains("\"waba_templates\":[", body);
    }

    [Fact(Timeout = 20_000)]
    public async Task Starts_well_under_a_second_and_stops_with_its_port_released()
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var emulator = new MarketingApiEmulator(new EmulatorOptions { ApiKey = "k" });
        emulator.Start();
        Assert.True(clock.Elapsed < TimeSpan.FromMilliseconds(500), $"starting took {clock.ElapsedMilliseconds} ms");
        var (status, _) = await PostTo(emulator, Body());
        Assert.Equal(HttpStatusCode.OK, status);

        var port = emulator.Port;
        emulator.Stop();
        Assert.False(emulator.IsRunning);
        using var probe = new System.Net.Sockets.TcpClient();
        await Assert.ThrowsAnyAsync<System.Net.Sockets.SocketException>(() => probe.ConnectAsync(IPAddress.Loopback, port));
    }
}
