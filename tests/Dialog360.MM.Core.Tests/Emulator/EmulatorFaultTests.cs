using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Text;
using System.Threading.Tasks;
using Dialog360.MM.Emulator;

namespace Dialog360.MM.Core.Tests.Emulator;

/// <summary>
/// The faults the reliability suite drives the engine through: they must be what they claim (accepted or not), seeded
/// runs must repeat, and AcceptedByRecipient must stay the exact truth whatever the client heard.
/// </summary>
public sealed class EmulatorFaultTests
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(20) };

    private static string Send(string to) =>
        $"{{\"messaging_product\":\"whatsapp\",\"recipient_type\":\"individual\",\"to\":\"{to}\",\"type\":\"template\",\"template\":{{\"name\":\"welcome_offer\",\"language\":{{\"code\":\"en\",\"policy\":\"deterministic\"}}}}}}";

    /// <summary>Status and body, or status 0 when the answer broke off.</summary>
    private static async Task<(int Status, string Body, string? ContentType)> Post(MarketingApiEmulator emulator, string to)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(emulator.BaseUri, "marketing_messages"))
        {
            Content = new StringContent(Send(to), Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("D360-API-KEY", emulator.ApiKey);
        try
        {
            using var response = await Http.SendAsync(request);
            return ((int)response.StatusCode, await response.Content.ReadAsStringAsync(), response.Content.Headers.ContentType?.MediaType);
        }
        catch (HttpRequestException)
        {
            return (0, string.Empty, null);
        }
    }

    private static MarketingApiEmulator Start(EmulatorOptions options)
    {
        var emulator = new MarketingApiEmulator(options);
        emulator.Start();
        return emulator;
    }

    [Theory(Timeout = 20_000)]
    [InlineData(500, 500, "Internal Server Error")]
    [InlineData(502, 502, "<title>502 Bad Gateway</title>")]
    [InlineData(504, 504, "<title>504 Gateway Time-out</title>")]
    public async Task Gateway_errors_come_after_acceptance_without_Metas_error_object(int fault, int status, string text)
    {
        using var emulator = Start(new EmulatorOptions { Faults = { ["447911000001"] = new Queue<int>(new[] { fault }) } });
        var answer = await Post(emulator, "447911000001");
        Assert.Equal(status, answer.Status);
        Assert.Contains(text, answer.Body);
        Assert.DoesNotContain("\"error\"", answer.Body);
        Assert.Equal(1, emulator.AcceptedCount("447911000001"));

        var second = await Post(emulator, "447911000001");
        Assert.Equal(200, second.Status);
        Assert.Equal(2, emulator.AcceptedCount("447911000001"));
    }

    [Theory(Timeout = 20_000)]
    [InlineData(429)]
    [InlineData(503)]
    public async Task Throttling_and_unavailability_accept_nothing(int fault)
    {
        using var emulator = Start(new EmulatorOptions { Faults = { ["447911000001"] = new Queue<int>(new[] { fault }) } });
        var answer = await Post(emulator, "447911000001");
        Assert.Equal(fault, answer.Status);
        Assert.Contains("\"error\":{", answer.Body);
        Assert.Equal(0, emulator.AcceptedCount("447911000001"));
    }

    [Fact(Timeout = 30_000)]
    public async Task Malformed_successes_take_every_broken_shape_and_count_as_accepted()
    {
        using var emulator = Start(new EmulatorOptions { FaultRates = { [EmulatorFault.MalformedOk] = 1.0 }, Seed = 7 });
        var bodies = new HashSet<string>();
        for (var i = 0; i < 60; i++)
        {
            var answer = await Post(emulator, $"4479110{i:D5}");
            Assert.Equal(200, answer.Status);
            bodies.Add(answer.Body);
        }
        Assert.Equal(new[] { "OK", "[]", "{\"messages\":[{\"id\":123}]}", "{}" }.OrderBy(b => b), bodies.OrderBy(b => b));
        Assert.Equal(60, emulator.AcceptedByRecipient.Values.Sum());
    }

    [Fact(Timeout = 60_000)]
    public async Task A_seeded_mix_repeats_whatever_the_order_and_counts_every_acceptance()
    {
        var rates = new Dictionary<EmulatorFault, double>
        {
            [EmulatorFault.RateLimited] = 0.1, [EmulatorFault.Unavailable] = 0.1, [EmulatorFault.Dropped] = 0.05,
            [EmulatorFault.InternalError] = 0.05, [EmulatorFault.BadGateway] = 0.1, [EmulatorFault.GatewayTimeout] = 0.1,
            [EmulatorFault.MalformedOk] = 0.05,
        };
        var recipients = Enumerable.Range(0, 600).Select(i => $"4479111{i:D5}").ToArray();

        using var first = Start(new EmulatorOptions { FaultRates = new Dictionary<EmulatorFault, double>(rates), Seed = 42 });
        var one = new Dictionary<string, int>();
        foreach (var to in recipients) one[to] = (await Post(first, to)).Status;

        // The same seed, the opposite order, 16 at a time: the same recipients get the same faults.
        using var second = Start(new EmulatorOptions { FaultRates = new Dictionary<EmulatorFault, double>(rates), Seed = 42 });
        var two = new Dictionary<string, int>();
        foreach (var chunk in recipients.Reverse().Select((to, i) => (to, i)).GroupBy(x => x.i / 16))
        {
            var answers = await Task.WhenAll(chunk.Select(async x => (x.to, (await Post(second, x.to)).Status)));
            foreach (var (to, status) in answers) two[to] = status;
        }
        Assert.Equal(one.OrderBy(p => p.Key), two.OrderBy(p => p.Key));

        // Every fault shows up near its share (600 draws; 5% is 30 ± 4 sigma), and a malformed 200 is a 200.
        var byStatus = one.Values.GroupBy(s => s).ToDictionary(g => g.Key, g => g.Count());
        foreach (var (status, share) in new[] { (429, 0.1), (503, 0.1), (0, 0.05), (500, 0.05), (502, 0.1), (504, 0.1), (200, 0.5) })
        {
            var expected = share * recipients.Length;
            Assert.InRange(byStatus.GetValueOrDefault(status), expected - 4 * Math.Sqrt(expected) - 1, expected + 4 * Math.Sqrt(expected) + 1);
        }

        // Accepted exactly when the answer was not 429 or 503, even when the client heard an error or nothing.
        foreach (var emulator in new[] { first, second })
        foreach (var to in recipients)
            Assert.Equal(one[to] is 429 or 503 ? 0 : 1, emulator.AcceptedCount(to));

        // A different seed deals the faults differently.
        using var third = Start(new EmulatorOptions { FaultRates = new Dictionary<EmulatorFault, double>(rates), Seed = 43 });
        var differ = 0;
        foreach (var to in recipients.Take(100)) if ((await Post(third, to)).Status != one[to]) differ++;
        Assert.True(differ > 10, $"only {differ} of 100 answers changed with the seed");
    }

    [Fact(Timeout = 20_000)]
    public async Task A_recipient_set_to_134102_gets_HTTP_500_with_Metas_error_in_360dialogs_wrapping()
    {
        using var emulator = Start(new EmulatorOptions { FailRecipients = { ["447700900009"] = 134102 } });
        var answer = await Post(emulator, "447700900009");
        Assert.Equal(500, answer.Status);
        Assert.StartsWith("{\"detail\":{\"error\":{\"message\":\"(#134102) Template unavailable\"", answer.Body);
        Assert.Contains("\"code\":134102", answer.Body);
        Assert.Contains("not eligible", answer.Body);
        Assert.Equal(0, emulator.AcceptedCount("447700900009"));
    }

    [Theory]
    [InlineData(1.5)]
    [InlineData(-0.1)]
    [InlineData(double.NaN)]
    public void A_rate_outside_0_to_1_is_refused(double rate) =>
        Assert.Throws<ArgumentException>(() => new MarketingApiEmulator(new EmulatorOptions { FaultRates = { [EmulatorFault.BadGateway] = rate } }));

    [Fact]
    public void Rates_adding_up_to_more_than_1_are_refused() =>
        Assert.Throws<ArgumentException>(() => new MarketingApiEmulator(new EmulatorOptions
        {
            FaultRates = { [EmulatorFault.BadGateway] = 0.6, [EmulatorFault.GatewayTimeout] = 0.6 },
        }));
}
