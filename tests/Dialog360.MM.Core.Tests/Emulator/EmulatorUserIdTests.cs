using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Text;
using System.Text.Json;
using System.Threading.Tasks;
using Dialog360.MM.Emulator;
using Dialog360.MM.Emulator.Webhooks;

namespace Dialog360.MM.Core.Tests.Emulator;

/// <summary>
/// Business-scoped user IDs (BSUIDs) and username users as WhatsApp plays them since 2026: a module that sends to
/// people by number or BSUID, counts duplicates per person and reads webhooks without numbers is only as well tested as
/// the emulator is faithful here.
/// </summary>
public sealed class EmulatorUserIdTests : IDisposable
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(20) };
    private readonly string _dir = Directory.CreateTempSubdirectory("mm-emu-bsuid-").FullName;
    private readonly List<MarketingApiEmulator> _started = new();

    public void Dispose()
    {
        foreach (var emulator in _started) emulator.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    private MarketingApiEmulator Start(EmulatorOptions? options = null)
    {
        var emulator = new MarketingApiEmulator(options ?? new EmulatorOptions { Seed = 1 });
        _started.Add(emulator);
        emulator.Start();
        return emulator;
    }

    /// <summary>A template send; <paramref name="address"/> is the JSON of "to" and/or "recipient".</summary>
    private static string Send(string address, string name = "welcome_offer") =>
        $"{{\"messaging_product\":\"whatsapp\",\"recipient_type\":\"individual\",{address},\"type\":\"template\",\"template\":{{\"name\":\"{name}\",\"language\":{{\"code\":\"en\",\"policy\":\"deterministic\"}}}}}}";

    private static string To(string number) => $"\"to\":\"{number}\"";
    private static string Recipient(string userId) => $"\"recipient\":\"{userId}\"";

    private static async Task<(int Status, string Body)> Post(MarketingApiEmulator emulator, string json, string path = "marketing_messages")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(emulator.BaseUri, path)) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.Add("D360-API-KEY", emulator.ApiKey);
        using var response = await Http.SendAsync(request);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>contacts[0] of an accepted send as "input|wa_id|user_id" (an absent field empty), and the message id.</summary>
    private static (string Contact, string MessageId) Read(string body)
    {
        using var doc = JsonDocument.Parse(body);
        var contact = doc.RootElement.GetProperty("contacts")[0];
        string Field(string name) => contact.TryGetProperty(name, out var v) ? v.GetString()! : string.Empty;
        Assert.Equal(contact.EnumerateObject().Count(), new[] { "input", "wa_id", "user_id" }.Count(n => contact.TryGetProperty(n, out _)));
        return ($"{Field("input")}|{Field("wa_id")}|{Field("user_id")}", doc.RootElement.GetProperty("messages")[0].GetProperty("id").GetString()!);
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

    private EmulatorOptions WithWebhookFile(int seed, double usernameRate, Action<EmulatorWebhookOptions>? tune = null)
    {
        var options = new EmulatorOptions
        {
            Seed = seed,
            UsernameRate = usernameRate,
            Webhooks = new EmulatorWebhookOptions
            {
                Path = Path.Combine(_dir, $"hooks-{Guid.NewGuid():N}.jsonl"),
                TimeScale = 0.0005, DeliveredRate = 1, ReadRate = 1, OptOutRate = 0, DuplicateRate = 0,
            },
        };
        tune?.Invoke(options.Webhooks);
        return options;
    }

    /// <summary>Every value object of the webhook file, one per delivery.</summary>
    private static List<JsonElement> Values(string path) =>
        File.ReadAllLines(path).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("entry")[0].GetProperty("changes")[0].GetProperty("value").Clone()).ToList();

    private static string? Text(JsonElement e, string name) => e.TryGetProperty(name, out var v) ? v.GetString() : null;

    [Fact(Timeout = 20_000)]
    public async Task A_number_gets_a_BSUID_of_its_country_the_same_for_the_same_seed()
    {
        var first = Start(new EmulatorOptions { Seed = 7 });
        var again = Start(new EmulatorOptions { Seed = 7 });
        var other = Start(new EmulatorOptions { Seed = 8 });

        var gb = Read((await Post(first, Send(To("447400123456")))).Body).Contact.Split('|');
        Assert.Equal("447400123456", gb[0]);
        Assert.Equal("447400123456", gb[1]);
        Assert.Matches(@"^GB\.[0-9]{20}$", gb[2]);
        Assert.Matches(@"^US\.[0-9]{20}$", Read((await Post(first, Send(To("12025550143")))).Body).Contact.Split('|')[2]);
        // The country libphonenumber places the number in (Guernsey shares +44), else its calling code's main one, else ZZ.
        Assert.Matches(@"^GG\.[0-9]{20}$", first.UserIdOf("447911123456"));
        Assert.Matches(@"^GB\.[0-9]{20}$", first.UserIdOf("447700900123"));
        Assert.Matches(@"^ZZ\.[0-9]{20}$", first.UserIdOf("80012345678"));

        Assert.Equal(gb[2], first.UserIdOf("447400123456"));
        Assert.Equal(gb[2], Read((await Post(again, Send(To("447400123456")))).Body).Contact.Split('|')[2]);
        Assert.NotEqual(gb[2], other.UserIdOf("447400123456"));
        Assert.NotEqual(gb[2], first.UserIdOf("447400123457"));
    }

    [Theory(Timeout = 20_000)]
    [InlineData("marketing_messages")]
    [InlineData("messages")]
    public async Task A_send_to_a_known_BSUID_reaches_its_person_and_counts_for_them(string route)
    {
        var emulator = Start();
        const string number = "447911200001";
        Assert.Equal(200, (await Post(emulator, Send(To(number)))).Status);
        var userId = emulator.UserIdOf(number);

        var (status, body) = await Post(emulator, Send(Recipient(userId)), route);
        Assert.Equal(200, status);
        Assert.Equal($"{userId}|{number}|{userId}", Read(body).Contact);

        // One person, however addressed: a duplicate check by number sees the BSUID send, and the other way round.
        Assert.Equal(2, emulator.AcceptedCount(number));
        Assert.Equal(2, emulator.AcceptedCount(userId));
        Assert.Equal(new Dictionary<string, int> { [number] = 2 }, emulator.AcceptedByRecipient);
    }

    [Fact(Timeout = 20_000)]
    public async Task A_username_users_BSUID_send_is_answered_without_the_number()
    {
        var emulator = Start(new EmulatorOptions { Seed = 1, UsernameRate = 1 });
        const string number = "447911200002";
        var userId = emulator.UserIdOf(number);
        Assert.True(emulator.FindPerson(number)!.IsUsernameUser);

        Assert.Equal($"{userId}||{userId}", Read((await Post(emulator, Send(Recipient(userId)))).Body).Contact);
        // Sent to the number, the answer gives it back: the sender knew it anyway.
        Assert.Equal($"{number}|{number}|{userId}", Read((await Post(emulator, Send(To(number)))).Body).Contact);
        Assert.Equal(2, emulator.AcceptedCount(number));
    }

    [Fact(Timeout = 20_000)]
    public async Task A_well_formed_BSUID_the_emulator_never_saw_is_someone_known_only_by_it()
    {
        var emulator = Start();
        const string userId = "US.13491208655302741918";
        var (status, body) = await Post(emulator, Send(Recipient(userId)), "messages");
        Assert.Equal(200, status);
        Assert.Equal($"{userId}||{userId}", Read(body).Contact);
        Assert.Equal(1, emulator.AcceptedCount(userId));
        Assert.Equal(new Dictionary<string, int> { [userId] = 1 }, emulator.AcceptedByRecipient);
    }

    [Theory(Timeout = 20_000)]
    [InlineData("\"recipient\":\"13491208655302741918\"", "Parameter 'recipient' is not a business-scoped user ID")]
    [InlineData("\"recipient\":\"us.1349\"", "Parameter 'recipient' is not a business-scoped user ID")]
    [InlineData("\"recipient\":\" US.1349\"", "Parameter 'recipient' is not a business-scoped user ID")]
    [InlineData("\"recipient\":12", "Parameter 'recipient' is not a business-scoped user ID")]
    [InlineData("\"biz_opaque_callback_data\":\"no-one\"", "or recipient (their business-scoped user ID)")]
    public async Task A_send_without_a_number_or_a_well_formed_BSUID_is_refused_with_error_100(string address, string detail)
    {
        var emulator = Start();
        var (status, body) = await Post(emulator, Send(address));
        Assert.Equal(400, status);
        Assert.Contains("\"code\":100", body);
        Assert.Contains(detail, body);
        Assert.Empty(emulator.AcceptedByRecipient);
    }

    [Fact(Timeout = 20_000)]
    public async Task With_to_and_recipient_both_to_wins()
    {
        var emulator = Start();
        const string number = "447911200003";
        var (status, body) = await Post(emulator, Send(To(number) + "," + Recipient("US.13491208655302741918")));
        Assert.Equal(200, status);
        Assert.Equal($"{number}|{number}|{emulator.UserIdOf(number)}", Read(body).Contact);
        Assert.Equal(new Dictionary<string, int> { [number] = 1 }, emulator.AcceptedByRecipient);
    }

    [Fact(Timeout = 30_000)]
    public async Task A_BSUID_in_to_gets_200_and_a_message_id_then_nothing_and_counts_for_nobody()
    {
        var options = WithWebhookFile(seed: 3, usernameRate: 0);
        var emulator = Start(options);
        const string number = "447911200004";
        var userId = emulator.UserIdOf(number);

        var (status, body) = await Post(emulator, Send(To(userId)));
        Assert.Equal(200, status);
        var dropped = Read(body).MessageId;
        Assert.StartsWith("wamid.", dropped);
        var (_, delivered) = Read((await Post(emulator, Send(To(number)))).Body);
        await WaitForWebhooks(emulator);

        Assert.Equal(1, emulator.SilentlyDropped);
        Assert.Equal(1, emulator.Accepted);
        Assert.Equal(0, emulator.Rejected);
        Assert.Equal(1, emulator.AcceptedCount(number));
        Assert.Equal(1, emulator.AcceptedCount(userId));
        var ids = Values(options.Webhooks.Path!).Where(v => v.TryGetProperty("statuses", out _))
            .SelectMany(v => v.GetProperty("statuses").EnumerateArray()).Select(s => Text(s, "id")).ToList();
        Assert.Contains(delivered, ids);
        Assert.DoesNotContain(dropped, ids);
    }

    [Fact(Timeout = 20_000)]
    public async Task Faults_for_a_number_reach_its_BSUID_sends_and_131062_can_be_given_to_a_BSUID()
    {
        var options = new EmulatorOptions { Seed = 1 };
        options.FailRecipients["447911200005"] = 131050;
        options.Faults["447911200006"] = new Queue<int>(new[] { (int)EmulatorFault.RateLimited });
        options.FailRecipients["GB.00000000000000000042"] = 131062;
        var emulator = Start(options);

        var stopped = await Post(emulator, Send(Recipient(emulator.UserIdOf("447911200005"))));
        Assert.Equal(400, stopped.Status);
        Assert.Contains("\"code\":131050", stopped.Body);

        Assert.Equal(429, (await Post(emulator, Send(Recipient(emulator.UserIdOf("447911200006"))))).Status);
        Assert.Equal(200, (await Post(emulator, Send(To("447911200006")))).Status);

        var refused = await Post(emulator, Send(Recipient("GB.00000000000000000042")));
        Assert.Equal(400, refused.Status);
        Assert.Contains("\"code\":131062", refused.Body);
        Assert.Equal(0, emulator.AcceptedCount("447911200005"));
        Assert.Equal(0, emulator.AcceptedCount("GB.00000000000000000042"));
    }

    [Fact(Timeout = 20_000)]
    public async Task An_authentication_template_to_a_BSUID_gets_131062_and_to_the_number_goes_through()
    {
        var options = new EmulatorOptions { Seed = 1 };
        options.Templates.Add(new EmulatorTemplate("login_code", "en", "AUTHENTICATION", "approved", "{{1}} is your code."));
        var emulator = Start(options);
        const string number = "447911200007";
        var userId = emulator.UserIdOf(number);
        string Code(string address) =>
            Send(address, "login_code").Replace("\"policy\":\"deterministic\"}}", "\"policy\":\"deterministic\"},\"components\":[{\"type\":\"body\",\"parameters\":[{\"type\":\"text\",\"text\":\"123456\"}]}]}");

        var refused = await Post(emulator, Code(Recipient(userId)), "messages");
        Assert.Equal(400, refused.Status);
        Assert.Contains("\"code\":131062", refused.Body);
        Assert.Equal(200, (await Post(emulator, Code(To(number)), "messages")).Status);
        Assert.Equal(1, emulator.AcceptedCount(number));
    }

    [Fact(Timeout = 30_000)]
    public async Task A_username_users_webhooks_carry_the_BSUID_and_never_the_number()
    {
        var options = WithWebhookFile(seed: 4, usernameRate: 1, w => { w.ReadRate = 1; w.OptOutRate = 1; });
        var emulator = Start(options);
        const string number = "447911200008";
        await Post(emulator, Send(To(number)));
        await WaitForWebhooks(emulator);
        var person = emulator.FindPerson(number)!;

        var values = Values(options.Webhooks.Path!);
        Assert.DoesNotContain(number, File.ReadAllText(options.Webhooks.Path!));
        var statuses = values.Where(v => v.TryGetProperty("statuses", out _)).ToList();
        Assert.Equal(new[] { "delivered", "read", "sent" },
            statuses.SelectMany(v => v.GetProperty("statuses").EnumerateArray()).Select(s => Text(s, "status")).OrderBy(s => s));
        foreach (var value in statuses)
        {
            foreach (var s in value.GetProperty("statuses").EnumerateArray())
            {
                Assert.Equal(person.UserId, Text(s, "recipient_user_id"));
                Assert.False(s.TryGetProperty("recipient_id", out _));
            }
            var contact = Assert.Single(value.GetProperty("contacts").EnumerateArray());
            Assert.Equal(person.UserId, Text(contact, "user_id"));
            Assert.False(contact.TryGetProperty("wa_id", out _));
            var onlySent = value.GetProperty("statuses").EnumerateArray().All(s => Text(s, "status") == "sent");
            Assert.Equal(onlySent ? null : person.Username, contact.TryGetProperty("profile", out var profile) ? Text(profile, "username") : null);
        }

        var stop = Assert.Single(values, v => v.TryGetProperty("user_preferences", out _)).GetProperty("user_preferences")[0];
        Assert.Equal(person.UserId, Text(stop, "user_id"));
        Assert.False(stop.TryGetProperty("wa_id", out _));
        // The stop holds for the person whichever way they are addressed next.
        Assert.Equal(new[] { number }, emulator.OptedOut);
        Assert.Contains("\"code\":131050", (await Post(emulator, Send(Recipient(person.UserId)))).Body);
    }

    [Fact(Timeout = 30_000)]
    public async Task Other_peoples_statuses_carry_number_and_BSUID_and_a_username_users_failure_carries_neither_number_nor_contacts()
    {
        var options = WithWebhookFile(seed: 5, usernameRate: 0.5, w => w.DeliveredRate = 0.5);
        var emulator = Start(options);
        var numbers = Enumerable.Range(0, 80).Select(i => $"4479113{i:D5}").ToList();
        foreach (var number in numbers) await Post(emulator, Send(To(number)));
        await WaitForWebhooks(emulator);
        var byUserId = numbers.Select(n => emulator.FindPerson(n)!).ToDictionary(p => p.UserId);

        var kinds = new HashSet<string>();
        foreach (var value in Values(options.Webhooks.Path!).Where(v => v.TryGetProperty("statuses", out _)))
        {
            var contacts = value.TryGetProperty("contacts", out var c) ? c.EnumerateArray().ToList() : new List<JsonElement>();
            foreach (var s in value.GetProperty("statuses").EnumerateArray())
            {
                var person = byUserId[Text(s, "recipient_user_id")!];
                var failed = Text(s, "status") == "failed";
                kinds.Add((person.IsUsernameUser ? "username " : "number ") + (failed ? "failed" : "ok"));
                Assert.Equal(person.IsUsernameUser ? null : person.Phone, Text(s, "recipient_id"));
                var contact = contacts.Where(x => Text(x, "user_id") == person.UserId).ToList();
                if (failed) continue; // another status of the batch may name the person; a failed one adds no entry
                Assert.Equal(person.IsUsernameUser ? null : person.Phone, Text(Assert.Single(contact), "wa_id"));
            }
            // contacts[] names only the people of the batch's sent, delivered and read statuses.
            var notFailed = value.GetProperty("statuses").EnumerateArray().Where(s => Text(s, "status") != "failed")
                .Select(s => Text(s, "recipient_user_id")).Distinct().OrderBy(x => x);
            Assert.Equal(notFailed, contacts.Select(x => Text(x, "user_id")).OrderBy(x => x));
        }
        Assert.Equal(new[] { "number failed", "number ok", "username failed", "username ok" }, kinds.OrderBy(k => k));
    }

    [Fact]
    public void Who_uses_a_username_follows_from_the_seed_and_the_rate()
    {
        static HashSet<string> UsernameUsers(int seed, double rate)
        {
            using var emulator = new MarketingApiEmulator(new EmulatorOptions { Seed = seed, UsernameRate = rate });
            return Enumerable.Range(0, 400).Select(i => $"4479114{i:D5}")
                .Where(n => { emulator.UserIdOf(n); return emulator.FindPerson(n)!.IsUsernameUser; }).ToHashSet();
        }
        var third = UsernameUsers(9, 0.3);
        Assert.InRange(third.Count, 80, 160);
        Assert.Equal(third, UsernameUsers(9, 0.3));
        Assert.NotEqual(third, UsernameUsers(10, 0.3));
        // A higher rate adds people; it does not pick others.
        Assert.Superset(third, UsernameUsers(9, 0.6));
        Assert.Empty(UsernameUsers(9, 0));
    }

    [Theory]
    [InlineData(-0.1)]
    [InlineData(1.5)]
    [InlineData(double.NaN)]
    public void A_username_rate_outside_0_to_1_is_refused(double rate) =>
        Assert.Contains("UsernameRate", Assert.Throws<ArgumentException>(() => new MarketingApiEmulator(new EmulatorOptions { UsernameRate = rate })).Message);
}
