using System;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Dialog360.MM.Core.Api;
using Dialog360.MM.Core.Messages;
using Dialog360.MM.Core.Reporting;
using Dialog360.MM.Core.Templates;
using Dialog360.MM.Emulator;
using Dialog360.MM.Emulator.Webhooks;

namespace Dialog360.MM.Core.Tests.Templates;

/// <summary>Template analytics: the query Meta's parameters make, the answer's shape, and the emulator's numbers agreeing with its webhooks.</summary>
public sealed class TemplateAnalyticsTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 11, 20, 12, 0, 0, TimeSpan.Zero);
    private readonly string _hooks = Path.Combine(Path.GetTempPath(), $"analytics-{Guid.NewGuid():N}.jsonl");
    private readonly MarketingApiEmulator _emulator;
    private readonly ApiClient _client;

    public TemplateAnalyticsTests()
    {
        _emulator = new MarketingApiEmulator(new EmulatorOptions
        {
            Seed = 5,
            Webhooks = new EmulatorWebhookOptions { Path = _hooks, TimeScale = 0.0005, DeliveredRate = 0.9, ReadRate = 0.7, ClickRate = 0.5, DuplicateRate = 0.2 },
        });
        _emulator.Start();
        _client = new ApiClient(_emulator.BaseUri, ApiKey.FromPlainText(_emulator.ApiKey), new ApiClientOptions { RequestTimeout = TimeSpan.FromSeconds(10) });
    }

    public void Dispose()
    {
        _client.Dispose();
        _emulator.Dispose();
        File.Delete(_hooks);
    }

    [Theory]
    [InlineData(new string[0], -7, 0, "TemplateId", "at least one template")]
    [InlineData(new[] { "spring_sale" }, -7, 0, "TemplateId", "digits")]
    [InlineData(new[] { "1001" }, -1, -2, "Start", "not before End")]
    [InlineData(new[] { "1001" }, -91, 0, "Start", "90 days")]
    [InlineData(new[] { "1001" }, 1, 2, "Start", "not before End")]   // the future, read up to now, leaves nothing
    public void A_query_that_cannot_be_answered_is_refused_naming_the_parameter(string[] ids, int startDays, int endDays, string field, string says)
    {
        var ex = Assert.Throws<MessageValidationException>(() => new TemplateAnalyticsQuery(ids, Now.AddDays(startDays), Now.AddDays(endDays), Now));
        Assert.Equal((field, ValidationReason.InvalidAnalyticsQuery), (ex.Field, ex.Reason));
        Assert.Contains(says, ex.Message);
    }

    [Fact]
    public void Metas_parameters_are_sent_ten_templates_a_request_and_an_end_in_the_future_is_now()
    {
        var ids = Enumerable.Range(1, 25).Select(i => (1000 + i).ToString()).ToList();
        var query = new TemplateAnalyticsQuery(ids, Now.AddDays(-2), Now.AddDays(3), Now);
        Assert.Equal(Now, query.End);
        var requests = query.QueryStrings().ToList();
        Assert.Equal(3, requests.Count);
        Assert.Equal($"start={Now.AddDays(-2).ToUnixTimeSeconds()}&end={Now.ToUnixTimeSeconds()}&granularity=DAILY&product_type=MARKETING_MESSAGES_LITE_API" +
            "&metric_types=%5B%22SENT%22%2C%22DELIVERED%22%2C%22READ%22%2C%22CLICKED%22%2C%22COST%22%5D" +
            "&template_ids=%5B1001%2C1002%2C1003%2C1004%2C1005%2C1006%2C1007%2C1008%2C1009%2C1010%5D", requests[0]);
        Assert.EndsWith("template_ids=%5B1021%2C1022%2C1023%2C1024%2C1025%5D", requests[2]);
        Assert.Contains("product_type=CLOUD_API", new TemplateAnalyticsQuery(ids, Now.AddDays(-2), Now, Now, AnalyticsProduct.CloudApi).QueryStrings().First());
    }

    [Fact]
    public void Metas_answer_becomes_one_object_per_template_and_day_with_clicks_per_button_and_cost()
    {
        const string answer = "{\"data\":[{\"granularity\":\"DAILY\",\"product_type\":\"MARKETING_MESSAGES_LITE_API\",\"data_points\":[" +
            "{\"template_id\":\"1924084211297547\",\"start\":1763596800,\"end\":1763683200,\"sent\":1200,\"delivered\":1100,\"read\":800," +
            "\"clicked\":[{\"type\":\"url_button\",\"button_content\":\"Shop now\",\"count\":90},{\"type\":\"quick_reply_button\",\"button_content\":\"Stop promotions\",\"count\":4}]," +
            "\"cost\":[{\"type\":\"amount_spent\",\"value\":38.5},{\"type\":\"cost_per_delivered\",\"value\":0.035},{\"type\":\"cost_per_url_button_click\",\"value\":0.43}]}]}]}";
        var point = Assert.Single(MMTemplateAnalytics.Parse(Encoding.UTF8.GetBytes(answer), out var next));
        Assert.Null(next);
        Assert.Equal(("1924084211297547", "DAILY", "MARKETING_MESSAGES_LITE_API"), (point.TemplateId, point.Granularity, point.ProductType));
        Assert.Equal((DateTimeOffset.FromUnixTimeSeconds(1763596800), DateTimeOffset.FromUnixTimeSeconds(1763683200)), (point.Start, point.End));
        Assert.Equal((1200, 1100, 800, 94), (point.Sent, point.Delivered, point.Read, point.Clicked));
        Assert.Equal("Shop now (url_button): 90", point.Clicks[0].ToString());
        Assert.Equal((38.5m, 0.035m, 0.43m), (point.AmountSpent, point.CostPerDelivered, point.CostPerUrlButtonClick));
    }

    [Fact]
    public async Task Reading_before_enabling_is_refused_and_after_enabling_answers()
    {
        var query = new TemplateAnalyticsQuery(new[] { "1003" }, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow, DateTimeOffset.UtcNow);
        var refused = await Assert.ThrowsAsync<ApiException>(() => _client.GetTemplateAnalyticsAsync(query, CancellationToken.None));
        Assert.Contains("not enabled", refused.Message);
        await _client.EnableTemplateAnalyticsAsync(CancellationToken.None);
        Assert.True(_emulator.TemplateAnalyticsEnabled);
        Assert.Equal(("POST", "/marketing/template_analytics", "enable=true"), (_emulator.Requests.Last().Method, _emulator.Requests.Last().Path, _emulator.Requests.Last().Query.TrimStart('?')));
        Assert.Equal(2, (await _client.GetTemplateAnalyticsAsync(query, CancellationToken.None)).Count);   // today and yesterday, zeros
    }

    [Fact(Timeout = 60_000)]
    public async Task The_emulators_analytics_count_what_its_webhooks_report_and_a_long_range_comes_in_pages()
    {
        await _client.EnableTemplateAnalyticsAsync(CancellationToken.None);
        for (var i = 0; i < 40; i++)
        {
            var template = i % 2 == 0 ? "flash_sale" : "welcome_offer";
            var content = new MessageContent
            {
                TemplateName = template, ActivitySharing = true,
                BodyParameters = template == "flash_sale" ? new TemplateParameter[] { new TextParameter("Ada") } : null,
            };
            await _client.SendTemplateAsync(new TemplateMessage($"4479114{i:D5}", null, content), SendRoute.MarketingMessages, CancellationToken.None);
        }
        while (_emulator.WebhooksPending > 0) await Task.Delay(20);

        var now = DateTimeOffset.UtcNow;
        var query = new TemplateAnalyticsQuery(new[] { "1003", "1007" }, now.AddDays(-20), now.AddDays(1), now);
        var before = _emulator.RequestCount;
        var points = await _client.GetTemplateAnalyticsAsync(query, CancellationToken.None);
        Assert.True(_emulator.RequestCount - before >= 2, "two templates over three weeks are more than one page");
        Assert.Equal(points.Count, points.Select(p => (p.TemplateId, p.Start)).Distinct().Count());

        var funnel = new Funnel();
        funnel.AddFile(_hooks, e => Assert.Fail(e.ToString()));
        var webhooks = Assert.Single(funnel.Summarize());
        Assert.Equal(webhooks.Sent, points.Sum(p => p.Sent));
        Assert.Equal(webhooks.Delivered, points.Sum(p => p.Delivered));
        Assert.Equal(webhooks.Read, points.Sum(p => p.Read));
        // Only flash_sale has a max price: what its deliveries cost is what the webhooks priced.
        Assert.Equal(webhooks.ActualCost, points.Sum(p => p.AmountSpent ?? 0));
        Assert.All(points.Where(p => p.TemplateId == "1003"), p => Assert.Null(p.AmountSpent));
        Assert.True(points.Sum(p => p.Clicked) > 0);
    }
}
