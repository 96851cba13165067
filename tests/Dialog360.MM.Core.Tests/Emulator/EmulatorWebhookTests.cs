using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Text;
using System.Text.Json;
using System.Threading.Tasks;
using Dialog360.MM.Core.Http;
using Dialog360.MM.Core.Webhooks;
using Dialog360.MM.Core.Receiving;
using Dialog360.MM.Emulator;
using Dialog360.MM.Emulator.Webhooks;

namespace Dialog360.MM.Core.Tests.Emulator;

/// <summary>
/// The emulator's webhooks must be what the platform sends, or rehearsing a campaign against it proves nothing: Meta's
/// shapes field by field, nothing the module's reader cannot type, and a timeline that adds up.
/// </summary>
public sealed class EmulatorWebhookTests : IDisposable
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(20) };
    private readonly string _dir = Directory.CreateTempSubdirectory("mm-emu-webhooks-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string Send(string to, string extra = "") =>
        $"{{\"messaging_product\":\"whatsapp\",\"recipient_type\":\"individual\",\"to\":\"{to}\",\"type\":\"template\",\"template\":{{\"name\":\"welcome_offer\",\"language\":{{\"code\":\"en\",\"policy\":\"deterministic\"}}}}{extra}}}";

    private static async Task<(int Status, string Body)> Post(MarketingApiEmulator emulator, string json, string path = "marketing_messages")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(emulator.BaseUri, path)) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.Add("D360-API-KEY", emulator.ApiKey);
        using var response = await Http.SendAsync(request);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private static async Task WaitForWebhooks(MarketingApiEmulator emulator)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (emulator.WebhooksPending > 0)
        {
            Assert.True(DateTime.UtcNow < deadline, $"{emulator.WebhooksPending} webhook events still pending after 20 s");
            await Task.Delay(20);
        }
    }

    private EmulatorOptions FileOptions(int seed, Action<EmulatorWebhookOptions>? tune = null)
    {
        var options = new EmulatorOptions
        {
            Seed = seed,
            Webhooks = new EmulatorWebhookOptions
            {
                Path = Path.Combine(_dir, $"hooks-{seed}-{Guid.NewGuid():N}.jsonl"),
                TimeScale = 0.0005,
                DeliveredRate = 0.8, ReadRate = 0.6, ClickRate = 0.5, OptOutRate = 0.1, DuplicateRate = 0.1, OutOfOrderRate = 0.2,
            },
        };
        tune?.Invoke(options.Webhooks);
        return options;
    }

    /// <summary>A campaign's worth of sends: half with activity sharing, a third on /messages, some with fallback.</summary>
    private static async Task<Dictionary<string, (string To, bool Sharing, string Route, string Callback)>> SendMix(MarketingApiEmulator emulator, int count)
    {
        var sent = new Dictionary<string, (string, bool, string, string)>();
        for (var i = 0; i < count; i++)
        {
            var to = $"4479112{i:D5}";
            var sharing = i % 2 == 0;
            var route = i % 3 == 0 ? "messages" : "marketing_messages";
            var callback = $"campaign-{i % 4}";
            var extra = $",\"biz_opaque_callback_data\":\"{callback}\"" + (sharing ? ",\"message_activity_sharing\":true" : "") +
                (route == "marketing_messages" && i % 5 == 0 ? ",\"product_policy\":\"CLOUD_API_FALLBACK\"" : "");
            var (status, body) = await Post(emulator, Send(to, extra), route);
            Assert.Equal(200, status);
            sent[JsonDocument.Parse(body).RootElement.GetProperty("messages")[0].GetProperty("id").GetString()!] = (to, sharing, route, callback);
        }
        return sent;
    }

    private static List<MMWebhookEvent> ReadAll(string path)
    {
        var errors = new List<WebhookReadError>();
        using var stream = File.OpenRead(path);
        var events = WebhookReader.Read(stream, path, errors.Add).ToList();
        Assert.Empty(errors);
        return events;
    }

    [Fact(Timeout = 60_000)]
    public async Task Every_delivery_reads_as_typed_events_and_the_timeline_adds_up()
    {
        var options = FileOptions(seed: 11);
        using var emulator = new MarketingApiEmulator(options);
        emulator.Start();
        var sent = await SendMix(emulator, 300);
        await WaitForWebhooks(emulator);

        var events = ReadAll(options.Webhooks.Path!);
        Assert.DoesNotContain(events, e => e is MMUnknownEvent);
        var statuses = events.OfType<MMStatusEvent>().ToList();
        var byMessage = statuses.GroupBy(s => s.MessageId!).ToDictionary(g => g.Key, g => g.Select(s => s.Status!).Distinct().ToList());
        Assert.Equal(sent.Keys.OrderBy(k => k), byMessage.Keys.OrderBy(k => k));

        foreach (var status in statuses)
        {
            var (to, _, route, callback) = sent[status.MessageId!];
            Assert.Equal(to, status.RecipientId);
            Assert.Equal(callback, status.CallbackData);
            if (status.Status is "sent" or "delivered")
            {
                Assert.Equal("PMP", status.PricingModel);
                if (route == "messages") Assert.Equal("marketing", status.PricingCategory);
            }
            if (status.Status == "failed") Assert.Contains(status.ErrorCode!.Value, new[] { 131049, 131026, 131050 });
        }
        foreach (var (id, kinds) in byMessage)
        {
            // Either failed alone, or sent and delivered (and maybe read).
            if (kinds.Contains("failed")) Assert.Equal(new[] { "failed" }, kinds);
            else Assert.Subset(new HashSet<string> { "sent", "delivered", "read" }, kinds.ToHashSet());
            if (!kinds.Contains("failed")) Assert.Contains("delivered", kinds);
        }
        var failedShare = byMessage.Count(m => m.Value.Contains("failed")) / (double)sent.Count;
        Assert.InRange(failedShare, 0.1, 0.3);   // DeliveredRate 0.8

        // MM sends price as marketing_lite, unless they asked for and got the Cloud API fallback.
        var mmPricing = statuses.Where(s => s.PricingCategory != null && sent[s.MessageId!].Route == "marketing_messages")
            .GroupBy(s => s.PricingCategory).ToDictionary(g => g.Key!, g => g.Count());
        Assert.True(mmPricing["marketing_lite"] > 0);

        // Clicks only where activity sharing was on: at most one click id per read sharing message.
        var readSharing = byMessage.Count(m => m.Value.Contains("read") && sent[m.Key].Sharing);
        var clickIds = events.OfType<MMClickEvent>().Select(c => c.ClickId).Distinct().Count();
        Assert.InRange(clickIds, 1, readSharing);

        var stops = events.OfType<MMUserPreferenceEvent>().ToList();
        Assert.NotEmpty(stops);
        Assert.All(stops, s => Assert.True(s.IsStop));
        var delivered = byMessage.Where(m => m.Value.Contains("delivered")).Select(m => sent[m.Key].To).ToHashSet();
        Assert.All(stops, s => Assert.Contains(s.WaId!, delivered));
        Assert.Equal(stops.Select(s => s.WaId).Distinct().OrderBy(x => x), emulator.OptedOut.OrderBy(x => x));

        // Like the platform: batched statuses, a delivered before its sent, and redeliveries.
        var lines = File.ReadAllLines(options.Webhooks.Path!);
        Assert.Contains(lines, l => JsonDocument.Parse(l).RootElement.GetProperty("entry")[0].GetProperty("changes")[0].GetProperty("value")
            .TryGetProperty("statuses", out var s) && s.GetArrayLength() > 1);
        var firstSeen = new Dictionary<(string, string), int>();
        for (var i = 0; i < statuses.Count; i++) firstSeen.TryAdd((statuses[i].MessageId!, statuses[i].Status!), i);
        Assert.Contains(firstSeen, p => p.Key.Item2 == "sent" && firstSeen.TryGetValue((p.Key.Item1, "delivered"), out var d) && d < p.Value);
        Assert.True(statuses.Count > firstSeen.Count, "no status was delivered twice");
        Assert.Equal(emulator.WebhooksDelivered, lines.Length);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_seed_repeats_the_same_outcomes()
    {
        async Task<List<string>> Run()
        {
            var options = FileOptions(seed: 5);
            using var emulator = new MarketingApiEmulator(options);
            emulator.Start();
            var sent = await SendMix(emulator, 60);
            await WaitForWebhooks(emulator);
            // Message ids and batching may differ; who got which status, click or stop may not.
            return ReadAll(options.Webhooks.Path!).Select(e => e switch
            {
                MMStatusEvent s => $"{s.RecipientId} {s.Status} {s.ErrorCode} {s.PricingCategory}",
                MMClickEvent c => $"click {c.ClickId}",
                MMUserPreferenceEvent p => $"stop {p.WaId}",
                _ => e.EventType,
            }).OrderBy(x => x, StringComparer.Ordinal).ToList();
        }
        Assert.Equal(await Run(), await Run());
    }

    [Fact(Timeout = 60_000)]
    public async Task Posts_are_signed_and_retried_with_backoff_until_the_receiver_answers_2xx()
    {
        var secret = Encoding.UTF8.GetBytes("emulator-secret");
        var bodies = new ConcurrentBag<string>();
        var calls = 0;
        var receiver = new LoopbackHttpServer(request =>
        {
            var body = request.Body;
            var ok = WebhookSignature.Verify(body, request.Headers[WebhookSignature.MetaHeader], secret) &&
                     request.Headers[WebhookSignature.MetaHeader]!.StartsWith("sha256=", StringComparison.Ordinal) &&
                     WebhookSignature.Verify(body, request.Headers[WebhookSignature.Dialog360Header], secret);
            // The first two POSTs fail; every later one is taken if its signatures hold.
            var fail = System.Threading.Interlocked.Increment(ref calls) <= 2 || !ok;
            if (!fail) bodies.Add(Encoding.UTF8.GetString(body));
            return Task.FromResult(new LoopbackResponse(fail ? 500 : 200, Array.Empty<byte>(), null));
        });
        receiver.Start(0, "test receiver");
        try
        {
            var options = new EmulatorOptions
            {
                Seed = 3,
                Webhooks = new EmulatorWebhookOptions
                {
                    Url = new Uri($"http://127.0.0.1:{receiver.Port}/hooks"), Secret = secret, TimeScale = 0.001,
                    DeliveredRate = 1, ReadRate = 0, OptOutRate = 0, DuplicateRate = 0,
                },
            };
            using var emulator = new MarketingApiEmulator(options);
            emulator.Start();
            await Post(emulator, Send("447911300001"));
            await WaitForWebhooks(emulator);

            Assert.Equal(0, emulator.WebhooksFailed);
            Assert.True(emulator.WebhookRetries >= 2, $"{emulator.WebhookRetries} retries");
            var received = bodies.SelectMany(b => WebhookReader.Read(new MemoryStream(Encoding.UTF8.GetBytes(b)), "post", e => Assert.Fail(e.ToString())))
                .OfType<MMStatusEvent>().Select(s => s.Status).OrderBy(s => s).ToList();
            Assert.Equal(new[] { "delivered", "sent" }, received);
        }
        finally
        {
            receiver.Stop();
        }
    }

    [Fact(Timeout = 30_000)]
    public async Task A_receiver_that_never_answers_2xx_ends_as_failed_deliveries_not_pending_forever()
    {
        var options = new EmulatorOptions
        {
            Seed = 1,
            // Nothing listens on port 9 of loopback: every POST is refused.
            Webhooks = new EmulatorWebhookOptions { Url = new Uri("http://127.0.0.1:9/"), TimeScale = 0.0005, MaxAttempts = 3, DeliveredRate = 1, ReadRate = 0, OptOutRate = 0, DuplicateRate = 0 },
        };
        using var emulator = new MarketingApiEmulator(options);
        emulator.Start();
        await Post(emulator, Send("447911300002"));
        await WaitForWebhooks(emulator);
        Assert.Equal(0, emulator.WebhooksDelivered);
        Assert.True(emulator.WebhooksFailed >= 1);
    }

    [Fact(Timeout = 30_000)]
    public async Task After_a_stop_event_the_recipient_is_refused_with_131050()
    {
        var options = FileOptions(seed: 2, w => { w.DeliveredRate = 1; w.OptOutRate = 1; });
        using var emulator = new MarketingApiEmulator(options);
        emulator.Start();
        await Post(emulator, Send("447911300003"));
        await WaitForWebhooks(emulator);
        var (status, body) = await Post(emulator, Send("447911300003"));
        Assert.Equal(400, status);
        Assert.Contains("\"code\":131050", body);
        Assert.Equal(1, emulator.AcceptedCount("447911300003"));
    }

    [Fact(Timeout = 30_000)]
    public async Task A_send_answered_with_a_gateway_error_after_acceptance_still_gets_its_statuses()
    {
        // What lets a sender settle an in-doubt send: the platform had the message, so its statuses come.
        var options = FileOptions(seed: 8, w => { w.DeliveredRate = 1; w.DuplicateRate = 0; });
        options.Faults["447911300005"] = new Queue<int>(new[] { (int)EmulatorFault.GatewayTimeout });
        options.Faults["447911300006"] = new Queue<int>(new[] { (int)EmulatorFault.RateLimited });
        using var emulator = new MarketingApiEmulator(options);
        emulator.Start();
        Assert.Equal(504, (await Post(emulator, Send("447911300005"))).Status);
        Assert.Equal(429, (await Post(emulator, Send("447911300006"))).Status);
        await WaitForWebhooks(emulator);
        var statuses = ReadAll(options.Webhooks.Path!).OfType<MMStatusEvent>().ToList();
        Assert.Contains(statuses, s => s.RecipientId == "447911300005" && s.Status == "delivered");
        Assert.DoesNotContain(statuses, s => s.RecipientId == "447911300006");
    }

    [Theory]
    [InlineData("http://example.com/hooks")]
    [InlineData("ftp://127.0.0.1/hooks")]
    public void Webhooks_go_to_this_machine_only(string url) =>
        Assert.Throws<ArgumentException>(() => new MarketingApiEmulator(new EmulatorOptions { Webhooks = { Url = new Uri(url) } }));

    [Fact(Timeout = 30_000)]
    public async Task Stopping_leaves_no_delivery_running()
    {
        var options = FileOptions(seed: 9, w => w.TimeScale = 1);
        var emulator = new MarketingApiEmulator(options);
        emulator.Start();
        await Post(emulator, Send("447911300004"));
        Assert.True(emulator.WebhooksPending > 0);
        emulator.Stop();
        var pending = emulator.WebhooksPending;
        // Its sent status would fall due within 2 s of the send.
        await Task.Delay(2500);
        Assert.Equal(pending, emulator.WebhooksPending);
        Assert.Empty(File.ReadAllLines(options.Webhooks.Path!));
    }

    [Fact(Timeout = 60_000)]
    public async Task A_max_price_sends_delivered_and_read_statuses_carry_its_price_within_the_max_times_the_multiplier()
    {
        var options = FileOptions(seed: 7, w => { w.DeliveredRate = 1; w.ReadRate = 1; w.DuplicateRate = 0.3; });
        options.Currency = "EUR";
        using var emulator = new MarketingApiEmulator(options);
        emulator.Start();
        static string FlashSale(string to, string extra) =>
            $"{{\"messaging_product\":\"whatsapp\",\"recipient_type\":\"individual\",\"to\":\"{to}\",\"type\":\"template\",\"template\":{{\"name\":\"flash_sale\",\"language\":{{\"code\":\"en\",\"policy\":\"deterministic\"}}," +
            $"\"components\":[{{\"type\":\"body\",\"parameters\":[{{\"type\":\"text\",\"text\":\"Ada\"}}]}}]}}{extra}}}";
        var doubled = new HashSet<string>();
        for (var i = 0; i < 20; i++)
        {
            var to = $"4479113{i:D5}";
            if (i % 2 == 1) doubled.Add(to);
            Assert.Equal(200, (await Post(emulator, FlashSale(to, i % 2 == 1 ? ",\"bid_spec\":{\"per_message_bid_multiplier\":\"2\"}" : ""))).Status);
        }
        Assert.Equal(200, (await Post(emulator, Send("447911400000"))).Status);   // welcome_offer: no max price
        await WaitForWebhooks(emulator);

        var statuses = new List<MMStatusEvent>();
        using (var stream = File.OpenRead(options.Webhooks.Path!))
            statuses.AddRange(WebhookReader.Read(stream, "hooks", e => Assert.Fail(e.ToString())).OfType<MMStatusEvent>());
        foreach (var byMessage in statuses.Where(s => s.RecipientId != "447911400000").GroupBy(s => s.MessageId))
        {
            var priced = byMessage.Where(s => s.Status is "delivered" or "read").ToList();
            Assert.Contains(priced, s => s.Status == "read");
            var cost = Assert.Single(priced.Select(s => s.CostAmount).Distinct());
            // flash_sale's max price is 0.05 a delivery (bid_amount 5000); charged 60 % to 100 % of it, twice that with multiplier 2.
            var max = doubled.Contains(byMessage.First().RecipientId!) ? 0.10m : 0.05m;
            Assert.InRange(cost!.Value, max * 0.6m, max);
            Assert.All(priced, s => Assert.Equal("EUR", s.CostCurrency));
            Assert.All(byMessage.Where(s => s.Status == "sent"), s => Assert.Null(s.CostAmount));
        }
        Assert.All(statuses.Where(s => s.RecipientId == "447911400000"), s => Assert.Null(s.CostAmount));

        // The funnel sums each message's price once, however often its statuses came.
        var funnel = new Dialog360.MM.Core.Reporting.Funnel();
        funnel.AddFile(options.Webhooks.Path!, e => Assert.Fail(e.ToString()));
        var row = Assert.Single(funnel.Summarize());
        var expected = statuses.Where(s => s.CostAmount != null).GroupBy(s => s.MessageId).Sum(g => g.First().CostAmount!.Value);
        Assert.Equal((expected, "EUR", 20, 1), (row.ActualCost, row.ActualCurrency, row.PricedMessages, row.EstimatedMessages));
    }

    [Fact]
    public void A_max_price_status_from_the_emulator_has_the_shape_of_Metas_example()
    {
        var delivered = new WebhookEvent
        {
            Kind = WebhookEventKind.Status, Status = "delivered", MessageId = "wamid.X", Timestamp = 1750263774, CallbackData = "spring-2026",
            Person = new EmulatedPeople(1, 0, new HashSet<string>()).ForPhone("16505551234"), Cost = 0.035m, Currency = "USD", Token = "T",
        };
        using var doc = JsonDocument.Parse(WebhookPayload.Statuses(new[] { delivered }));
        var expected = FixtureShape("status-delivered-max-price.json");
        expected.UnionWith(new[] { Status + ".recipient_user_id:String", Value + ".contacts:array", Value + ".contacts[]:object",
            Value + ".contacts[].user_id:String", Value + ".contacts[].wa_id:String" });
        Assert.Equal(expected, Shape(doc.RootElement));
    }

    /// <summary>
    /// Every path of a JSON document with its kind (arrays merged as []), and the value where the fixture's value is
    /// fixed by Meta (envelope, product, pricing model, field names and the like).
    /// </summary>
    private static SortedSet<string> Shape(JsonElement e, string path = "$")
    {
        var set = new SortedSet<string>(StringComparer.Ordinal);
        switch (e.ValueKind)
        {
            case JsonValueKind.Object:
                set.Add(path + ":object");
                foreach (var p in e.EnumerateObject()) set.UnionWith(Shape(p.Value, path + "." + p.Name));
                break;
            case JsonValueKind.Array:
                set.Add(path + ":array");
                foreach (var item in e.EnumerateArray()) set.UnionWith(Shape(item, path + "[]"));
                break;
            default:
                set.Add(path + ":" + e.ValueKind);
                if (FixedValues.Any(f => path.EndsWith(f, StringComparison.Ordinal))) set.Add(path + "=" + e);
                break;
        }
        return set;
    }

    private static readonly string[] FixedValues =
    {
        "$.object", ".messaging_product", ".field", ".pricing_model", ".pricing.type", ".pricing.billable", ".action_type",
        "user_preferences[].category", "user_preferences[].value", "user_preferences[].detail", ".href",
    };

    private static SortedSet<string> FixtureShape(string name, params string[] withoutPrefixes)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "fixtures", "webhooks", name)));
        var shape = Shape(doc.RootElement);
        shape.RemoveWhere(p => withoutPrefixes.Any(w => p.StartsWith(w, StringComparison.Ordinal)));
        return shape;
    }

    private const string Value = "$.entry[].changes[].value";
    private const string Status = Value + ".statuses[]";

    /// <summary>
    /// Meta's examples with the fields of business-scoped user IDs (Meta, "Business-scoped user IDs"): every status names
    /// the BSUID (recipient_user_id) and, unless the person uses a username, the number (recipient_id); sent, delivered
    /// and read statuses come with value.contacts[] (wa_id when the number is shown, user_id, the username on delivered
    /// and read); failed ones without; a stop names user_id, and wa_id only when the number is shown.
    /// </summary>
    private static Dictionary<string, SortedSet<string>> ExpectedShapes(bool username)
    {
        SortedSet<string> With(SortedSet<string> shape, IEnumerable<string> add, params string[] remove)
        {
            shape.UnionWith(add);
            shape.ExceptWith(remove);
            return shape;
        }
        IEnumerable<string> Contacts(bool showUsername)
        {
            yield return Value + ".contacts:array";
            yield return Value + ".contacts[]:object";
            yield return Value + ".contacts[].user_id:String";
            if (!username) yield return Value + ".contacts[].wa_id:String";
            if (username && showUsername)
            {
                yield return Value + ".contacts[].profile:object";
                yield return Value + ".contacts[].profile.username:String";
            }
        }
        var number = username ? new[] { Status + ".recipient_id:String" } : Array.Empty<string>();
        var userId = new[] { Status + ".recipient_user_id:String" };
        return new Dictionary<string, SortedSet<string>>
        {
            ["sent"] = With(FixtureShape("status-sent-marketing-lite.json"), userId.Concat(Contacts(false)), number),
            ["delivered"] = With(FixtureShape("status-sent-marketing-lite.json"), userId.Concat(Contacts(true)), number),
            // Read statuses carry neither conversation nor pricing (Meta's status reference).
            ["read"] = With(FixtureShape("status-sent-marketing-lite.json", Status + ".conversation", Status + ".pricing"),
                userId.Concat(Contacts(true)), number),
            ["failed"] = With(FixtureShape("status-failed.json"), userId, number),
            ["click"] = FixtureShape("click-event.json"),
            ["stop"] = With(FixtureShape("user-preferences-stop.json"),
                new[] { Value + ".contacts[].user_id:String", Value + ".user_preferences[].user_id:String" }
                    .Concat(username ? new[] { Value + ".contacts[].profile.username:String" } : Array.Empty<string>()),
                username ? new[] { Value + ".contacts[].wa_id:String", Value + ".user_preferences[].wa_id:String" } : Array.Empty<string>()),
        };
    }

    [Theory(Timeout = 60_000)]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Every_delivery_has_the_shape_of_Metas_example_field_by_field(bool usernameUsers)
    {
        var expected = ExpectedShapes(usernameUsers);
        var options = FileOptions(seed: 21, w => w.DuplicateRate = 0);
        options.UsernameRate = usernameUsers ? 1 : 0;
        using var emulator = new MarketingApiEmulator(options);
        emulator.Start();
        await SendMix(emulator, 120);
        await WaitForWebhooks(emulator);

        var seen = new HashSet<string>();
        foreach (var line in File.ReadAllLines(options.Webhooks.Path!))
        {
            using var doc = JsonDocument.Parse(line);
            var value = doc.RootElement.GetProperty("entry")[0].GetProperty("changes")[0].GetProperty("value");
            if (value.TryGetProperty("statuses", out var statuses))
            {
                // Each status is compared with its own example; the envelope and contacts[] of a batch with the union of
                // its statuses' examples (contacts[] has one entry for each person of the batch).
                var kinds = new List<string>();
                foreach (var s in statuses.EnumerateArray())
                {
                    var kind = s.GetProperty("status").GetString()!;
                    using var single = JsonDocument.Parse(line.Replace(statuses.GetRawText(), "[" + s.GetRawText() + "]"));
                    Assert.Equal(Inside(expected[kind]), Inside(Shape(single.RootElement)));
                    kinds.Add(kind);
                    seen.Add(kind);
                }
                var envelope = new SortedSet<string>(StringComparer.Ordinal);
                foreach (var kind in kinds) envelope.UnionWith(Outside(expected[kind]));
                Assert.Equal(envelope, Outside(Shape(doc.RootElement)));
            }
            else
            {
                var kind = value.TryGetProperty("user_actions", out _) ? "click" : "stop";
                Assert.Equal(expected[kind], Shape(doc.RootElement));
                seen.Add(kind);
            }
        }
        Assert.Equal(expected.Keys.OrderBy(k => k), seen.OrderBy(k => k));
    }

    private static SortedSet<string> Inside(SortedSet<string> shape) =>
        new(shape.Where(p => p.StartsWith(Status, StringComparison.Ordinal)), StringComparer.Ordinal);

    private static SortedSet<string> Outside(SortedSet<string> shape) =>
        new(shape.Where(p => !p.StartsWith(Status, StringComparison.Ordinal)), StringComparer.Ordinal);
}
