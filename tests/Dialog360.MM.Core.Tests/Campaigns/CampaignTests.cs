using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Dialog360.MM.Core.Api;
using Dialog360.MM.Core.Campaigns;
using Dialog360.MM.Core.Messages;
using Dialog360.MM.Core.State;
using Dialog360.MM.Core.Time;
using Dialog360.MM.Emulator;
using Microsoft.Extensions.Time.Testing;

namespace Dialog360.MM.Core.Tests.Campaigns;

/// <summary>
/// A whole run's decisions, without PowerShell: the campaign against the emulator, its events read as the cmdlet
/// reads them. Each test names the rule a user relies on.
/// </summary>
public sealed class CampaignTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "campaign-" + Guid.NewGuid().ToString("N"));
    private readonly List<IDisposable> _owned = new();

    public CampaignTests() => Directory.CreateDirectory(_folder);

    public void Dispose()
    {
        foreach (var d in Enumerable.Reverse(_owned)) d.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    private string PathOf(string name) => Path.Combine(_folder, name);

    private MarketingApiEmulator Emulator(EmulatorOptions? options = null)
    {
        var emulator = new MarketingApiEmulator(options ?? new EmulatorOptions());
        emulator.Start();
        _owned.Add(emulator);
        return emulator;
    }

    private ApiClient Client(MarketingApiEmulator emulator, string? key = null)
    {
        var client = new ApiClient(emulator.BaseUri, ApiKey.FromPlainText(key ?? emulator.ApiKey));
        _owned.Add(client);
        return client;
    }

    private static CampaignSettings Settings(ApiClient client, string? template = "welcome_offer") => new()
    {
        TemplateName = template,
        ListTemplates = token => client.ListTemplatesAsync(token),
        Engine = new CampaignOptions { MessagesPerSecond = 500, RetryBaseDelay = TimeSpan.FromMilliseconds(5) },
    };

    private static MessageContent Content(string template = "welcome_offer", params string[] body) => new()
    {
        TemplateName = template,
        BodyParameters = body.Select(b => (TemplateParameter)new TextParameter(b)).ToList(),
    };

    /// <summary>Runs every record through one campaign, saying yes to every ShouldProcess, and returns all events.</summary>
    private static List<CampaignEvent> Run(Campaign campaign, IEnumerable<(string To, MessageContent Content)> records)
    {
        var events = campaign.Pending().ToList();
        foreach (var (to, content) in records) events.AddRange(campaign.Add(to, null, content.TemplateName, () => content, (_, _) => true));
        events.AddRange(campaign.Complete());
        return events;
    }

    private Campaign Start(CampaignSettings settings, ApiClient client, TimeProvider? time = null)
    {
        var campaign = Campaign.Start(settings, client, CancellationToken.None, time);
        _owned.Add(campaign);
        return campaign;
    }

    private static IEnumerable<(string, MessageContent)> To(params string[] numbers) => numbers.Select(n => (n, Content()));

    private static List<MMSendResult> Results(IEnumerable<CampaignEvent> events) =>
        events.Where(e => e.Kind == CampaignEventKind.Result).Select(e => e.Result!).ToList();

    [Fact]
    public void Every_record_gets_one_result_and_a_bad_row_an_error_first_that_names_it()
    {
        var emulator = Emulator();
        var client = Client(emulator);
        var events = Run(Start(Settings(client), client), To("+447700900001", "not a number", "+447700900002"));
        var results = Results(events);
        Assert.Equal(3, results.Count);
        Assert.Equal(2, results.Count(r => r.Status == SendStatus.Accepted));
        var refusal = Assert.Single(events, e => e.Kind == CampaignEventKind.Refusal);
        Assert.Equal(ValidationReason.InvalidPhoneNumber, refusal.Reason);
        Assert.StartsWith("Row 2: ", refusal.Error!.Message);
        Assert.Equal("not a number", refusal.Target);
        // The error comes before that row's result, and the run ends with its summary, never a fatal error.
        var failed = events.FindIndex(e => e.Kind == CampaignEventKind.Result && e.Result!.Status == SendStatus.Failed);
        Assert.Equal(events.IndexOf(refusal) + 1, failed);
        Assert.DoesNotContain(events, e => e.Kind == CampaignEventKind.Fatal);
        Assert.Contains(events, e => e.Kind == CampaignEventKind.Log && e.Text!.StartsWith("Done: 2 accepted", StringComparison.Ordinal));
    }

    [Fact]
    public void A_template_the_account_does_not_have_ends_the_run_before_anything_is_sent()
    {
        var emulator = Emulator();
        var client = Client(emulator);
        var campaign = Start(Settings(client, "no_such_template"), client);
        var events = Run(campaign, new[] { ("+447700900001", Content("no_such_template")), ("+447700900002", Content("no_such_template")) });
        var fatal = events.Last();
        Assert.Equal(CampaignEventKind.Fatal, fatal.Kind);
        Assert.Equal(ValidationReason.TemplateNotFound, fatal.Reason);
        Assert.Single(events, e => e.Kind == CampaignEventKind.Fatal);
        Assert.Equal(0, emulator.Accepted);
    }

    [Fact]
    public void A_refused_key_stops_the_run_once_after_the_results_of_what_was_on_the_wire()
    {
        var emulator = Emulator();
        var client = Client(emulator, key: "wrong-key-0000");
        var settings = Settings(client);
        settings.ListTemplates = null; // -SkipTemplateCheck: the sends themselves meet the refusal
        var events = Run(Start(settings, client), To(Enumerable.Range(1, 40).Select(i => $"+4477009001{i:D2}").ToArray()));
        var fatal = events.Last();
        Assert.Equal(CampaignEventKind.Fatal, fatal.Kind);
        Assert.Equal(CampaignReason.ApiRefused, fatal.Reason);
        Assert.Equal(ApiErrorKind.Authentication, Assert.IsType<ApiException>(fatal.Error).Kind);
        Assert.Single(events, e => e.Kind == CampaignEventKind.Fatal);
        Assert.DoesNotContain(events, e => e.Kind == CampaignEventKind.Refusal);
        Assert.True(Results(events).Count < 40, "dispatching should stop at the first refusal");
    }

    [Fact]
    public void A_redirect_stops_the_run_once_and_its_error_says_to_check_the_base_address()
    {
        // An address that is not the API's own (a proxy or a portal page): every recipient would meet the same redirect.
        var server = new Dialog360.MM.Core.Http.LoopbackHttpServer(_ => Task.FromResult(
            new Dialog360.MM.Core.Http.LoopbackResponse(302, Array.Empty<byte>(), null).WithHeader("Location", "https://login.example.com/")));
        server.Start(0, "redirector");
        try
        {
            var client = new ApiClient(new Uri($"http://127.0.0.1:{server.Port}"), ApiKey.FromPlainText("key-0000000000000"));
            _owned.Add(client);
            var settings = Settings(client);
            settings.ListTemplates = null;
            var events = Run(Start(settings, client), To(Enumerable.Range(1, 40).Select(i => $"+4477009003{i:D2}").ToArray()));
            var fatal = Assert.Single(events, e => e.Kind == CampaignEventKind.Fatal);
            Assert.Equal(ApiErrorKind.Redirect, Assert.IsType<ApiException>(fatal.Error).Kind);
            Assert.Contains("-BaseUri", Assert.IsType<ApiException>(fatal.Error).Hint);
            Assert.True(Results(events).Count < 40, "dispatching should stop at the first redirect");
        }
        finally { server.Stop(); }
    }

    [Fact]
    public void A_max_price_template_sent_through_Cloud_API_stops_the_run_once_with_131061_and_its_hint()
    {
        var emulator = Emulator();
        var client = Client(emulator);
        var settings = Settings(client, "flash_sale");
        settings.Route = SendRoute.CloudApi;
        var events = Run(Start(settings, client),
            Enumerable.Range(1, 40).Select(i => ($"+4477009002{i:D2}", Content("flash_sale", "Ada"))));
        var fatal = events.Last();
        Assert.Equal((CampaignEventKind.Fatal, CampaignReason.ApiRefused), (fatal.Kind, fatal.Reason));
        var refusal = Assert.IsType<ApiException>(fatal.Error);
        Assert.Equal(131061, refusal.Code);
        Assert.Contains("without -UseCloudApi", refusal.Hint);
        Assert.DoesNotContain(events, e => e.Kind == CampaignEventKind.Refusal);
        Assert.True(Results(events).Count < 40, "dispatching should stop at the first refusal");
        Assert.Equal(0, emulator.Accepted);
    }

    [Fact]
    public void A_stop_teaches_the_list_and_the_next_run_holds_that_person_back()
    {
        var emulator = Emulator(new EmulatorOptions { FailRecipients = { ["447700900003"] = 131050 } });
        var client = Client(emulator);
        var list = PathOf("optouts.jsonl");
        var settings = Settings(client);
        settings.SuppressionPath = list;
        var first = Results(Run(Start(settings, client), To("+447700900003", "+447700900004")));
        Assert.Equal("131050", first.Single(r => r.To == "447700900003").ErrorCode);
        Assert.Contains("447700900003", File.ReadAllText(list));

        var second = Results(Run(Start(settings, client), To("+447700900003", "+447700900004")));
        Assert.Equal(SendStatus.Suppressed, second.Single(r => r.To == "447700900003").Status);
        Assert.Equal(SendStatus.Accepted, second.Single(r => r.To == "447700900004").Status);
        Assert.Equal(0, emulator.AcceptedCount("447700900003"));
    }

    [Fact]
    public void The_list_holds_back_marketing_only_so_a_utility_template_on_the_cloud_api_still_goes_out()
    {
        var emulator = Emulator();
        var client = Client(emulator);
        var list = SuppressionList.Load(PathOf("optouts.jsonl"));
        list.Add(new[] { SuppressionEntry.Suppress("+447700900005", "stop", "test", DateTimeOffset.UtcNow) });
        CampaignSettings CloudApi(string template)
        {
            var s = Settings(client, template);
            s.Route = SendRoute.CloudApi;
            s.SuppressionPath = list.Path;
            return s;
        }
        var utility = Results(Run(Start(CloudApi("order_update"), client), new[] { ("+447700900005", Content("order_update", "A-1")) }));
        Assert.Equal(SendStatus.Accepted, Assert.Single(utility).Status);
        var marketing = Results(Run(Start(CloudApi("welcome_offer"), client), To("+447700900005")));
        Assert.Equal(SendStatus.Suppressed, Assert.Single(marketing).Status);
    }

    [Fact]
    public void The_journal_is_claimed_once_for_the_template_given_and_refuses_another_campaign_before_anything_is_sent()
    {
        var emulator = Emulator();
        var client = Client(emulator);
        var journal = PathOf("spring.journal");
        var settings = Settings(client, "spring_sale");
        settings.JournalPath = journal;
        using (var first = Campaign.Start(settings, client, CancellationToken.None))
            Run(first, new[] { ("+447700900006", Content("spring_sale", "Ann", "20%")) });

        var other = Settings(client, "welcome_offer");
        other.JournalPath = journal;
        var refused = Assert.Throws<CampaignStartException>(() => Start(other, client));
        Assert.Equal(CampaignReason.JournalMismatch, refused.Reason);
        Assert.Equal(1, emulator.Accepted);
    }

    [Fact]
    public void A_row_of_another_template_in_a_claimed_journal_fails_alone()
    {
        var emulator = Emulator();
        var client = Client(emulator);
        var settings = Settings(client, template: null); // templates come by property name
        settings.JournalPath = PathOf("rows.journal");
        var events = Run(Start(settings, client), new[]
        {
            ("+447700900007", Content("welcome_offer")),
            ("+447700900008", Content("spring_sale", "Bo", "10%")),
            ("+447700900009", Content("welcome_offer")),
        });
        var refusal = Assert.Single(events, e => e.Kind == CampaignEventKind.Refusal);
        Assert.Equal(CampaignReason.JournalMismatch, refusal.Reason);
        Assert.Equal(new[] { SendStatus.Accepted, SendStatus.Failed, SendStatus.Accepted },
            Results(events).OrderBy(r => r.To).Select(r => r.Status));
    }

    [Fact]
    public void A_journal_held_by_another_run_refuses_this_one_with_the_holder_named()
    {
        var emulator = Emulator();
        var client = Client(emulator);
        var settings = Settings(client);
        settings.JournalPath = PathOf("held.journal");
        Start(settings, client);
        var refused = Assert.Throws<CampaignStartException>(() => Start(settings, client));
        Assert.Equal(CampaignReason.JournalInUse, refused.Reason);
        Assert.Contains("in use by another run", refused.Message);
    }

    [Fact]
    public async Task WaitForWindow_keeps_who_is_outside_their_window_and_sends_them_when_it_opens()
    {
        var emulator = Emulator();
        var client = Client(emulator);
        // 07:00 in London; the window opens at 09:00, within the three hours the run may wait.
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 25, 7, 0, 0, TimeSpan.Zero));
        var settings = Settings(client);
        settings.Window = SendWindow.Parse("09:00-20:00");
        settings.WaitForWindow = TimeSpan.FromHours(3);
        var campaign = Start(settings, client, time);
        var kept = campaign.Add("+447911123456", null, "welcome_offer", () => Content(), (_, _) => true).ToList();
        Assert.True(Results(kept).Count == 0, string.Join("; ", kept));
        var done = Task.Run(() => campaign.Complete().ToList());
        await Task.Delay(300);
        Assert.False(done.IsCompleted, "the run must wait for the window");
        Assert.Equal(0, emulator.Accepted);
        time.Advance(TimeSpan.FromHours(2));
        var events = await done.WaitAsync(Bound);
        Assert.Equal(SendStatus.Accepted, Assert.Single(Results(events)).Status);
        Assert.Contains(events, e => e.Kind == CampaignEventKind.Progress && e.Progress!.Id == 2 && e.Progress.Status.Contains("opens at 2026-11-25 09:00:00Z"));
    }

    [Fact]
    public async Task A_send_engine_that_dies_ends_the_run_with_SendEngineFailed_instead_of_waiting_for_ever()
    {
        var emulator = Emulator();
        var client = Client(emulator);
        var settings = Settings(client);
        settings.Engine.MessagesPerSecond = 1; // the second send waits for its slot: a timer the broken clock cannot make
        var campaign = Start(settings, client, new TimerlessTimeProvider());
        var events = await Task.Run(() => Run(campaign, To("+447700900011", "+447700900012", "+447700900013"))).WaitAsync(Bound);
        var fatal = events.Last();
        Assert.Equal(CampaignEventKind.Fatal, fatal.Kind);
        Assert.Equal(CampaignReason.SendEngineFailed, fatal.Reason);
        Assert.Contains("The send engine failed", fatal.Error!.Message);
    }

    [Fact]
    public async Task A_person_added_to_the_list_while_held_for_their_window_is_not_sent_when_it_opens()
    {
        var emulator = Emulator();
        var client = Client(emulator);
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 25, 7, 0, 0, TimeSpan.Zero));
        var list = PathOf("live.jsonl");
        var settings = Settings(client);
        settings.Window = SendWindow.Parse("09:00-20:00");
        settings.WaitForWindow = TimeSpan.FromHours(3);
        settings.SuppressionPath = list;
        var campaign = Start(settings, client, time);
        foreach (var to in new[] { "+447911123456", "+447911123457" })
            Assert.Empty(Results(campaign.Add(to, null, "welcome_offer", () => Content(), (_, _) => true).ToList()));
        var done = Task.Run(() => campaign.Complete().ToList());
        // Another job (or Add-MMSuppression) puts one of them on the list while the run waits.
        SuppressionList.Load(list).Add(new[] { SuppressionEntry.Suppress("+447911123457", "stop", "webhook", time.GetUtcNow()) });
        time.Advance(TimeSpan.FromHours(2));
        // The pacing's slots are on the same clock: it moves on in small steps until the run is done.
        var bound = System.Diagnostics.Stopwatch.StartNew();
        while (!done.IsCompleted && bound.Elapsed < Bound)
        {
            time.Advance(TimeSpan.FromMilliseconds(10));
            await Task.Delay(1);
        }
        var results = Results(await done.WaitAsync(Bound));
        Assert.Equal(SendStatus.Accepted, results.Single(r => r.To == "447911123456").Status);
        Assert.Equal(SendStatus.Suppressed, results.Single(r => r.To == "447911123457").Status);
        Assert.Equal(0, emulator.AcceptedCount("447911123457"));
    }

    [Fact]
    public async Task A_person_added_to_the_list_mid_run_is_not_sent_to_after()
    {
        var emulator = Emulator();
        var client = Client(emulator);
        var list = PathOf("midrun.jsonl");
        var settings = Settings(client);
        settings.SuppressionPath = list;
        settings.Engine.MessagesPerSecond = 10; // two seconds for twenty people: time to add one mid-run
        var numbers = Enumerable.Range(1, 20).Select(i => $"+4477009002{i:D2}").ToArray();
        var campaign = Start(settings, client);
        var run = Task.Run(() => Run(campaign, To(numbers)));
        Assert.True(SpinWait.SpinUntil(() => emulator.Accepted >= 2, Bound));
        SuppressionList.Load(list).Add(new[] { SuppressionEntry.Suppress(numbers[^1], "stop", "webhook", DateTimeOffset.UtcNow) });
        var results = Results(await run.WaitAsync(Bound));
        Assert.Equal(SendStatus.Suppressed, results.Single(r => r.To == "447700900220").Status);
        Assert.Equal(0, emulator.AcceptedCount("447700900220"));
    }

    [Theory]
    [InlineData("not json at all\n")]
    [InlineData("{\"action\":\"add\",\"phone\":\"call me\",\"time\":\"2026-11-20T09:00:00Z\"}\n")]
    public void A_list_with_a_line_that_is_not_a_record_sends_nothing(string line)
    {
        var emulator = Emulator();
        var client = Client(emulator);
        var list = PathOf("broken.jsonl");
        File.WriteAllText(list, "{\"action\":\"add\",\"phone\":\"447911123456\",\"source\":\"x\",\"time\":\"2026-11-20T09:00:00Z\"}\n" + line);
        var settings = Settings(client);
        settings.SuppressionPath = list;
        var refused = Assert.Throws<CampaignStartException>(() => Start(settings, client));
        Assert.Equal(CampaignReason.InvalidSuppressionEntry, refused.Reason);
        Assert.Contains("line 2", refused.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void A_list_saved_as_UTF16_is_refused_and_says_how_to_fix_it()
    {
        var emulator = Emulator();
        var client = Client(emulator);
        var list = PathOf("utf16.jsonl");
        File.WriteAllText(list, "{\"action\":\"add\",\"phone\":\"447911123456\",\"source\":\"x\",\"time\":\"2026-11-20T09:00:00Z\"}\r\n", System.Text.Encoding.Unicode);
        var settings = Settings(client);
        settings.SuppressionPath = list;
        var refused = Assert.Throws<CampaignStartException>(() => Start(settings, client));
        Assert.Contains("UTF-16", refused.Message);
        Assert.Contains("Set-Content -Encoding utf8", refused.Message);
    }

    [Fact]
    public void A_refusal_a_rerun_skips_keeps_the_time_it_happened()
    {
        var emulator = Emulator(new EmulatorOptions { FailRecipients = { ["447700900030"] = 131050 } });
        var client = Client(emulator);
        var then = new DateTimeOffset(2026, 11, 20, 9, 0, 0, TimeSpan.Zero);
        var settings = Settings(client);
        settings.JournalPath = PathOf("rerun.journal");
        using (var first = Campaign.Start(settings, client, CancellationToken.None, new FakeTimeProvider(then)))
            Assert.Equal("131050", Assert.Single(Results(Run(first, To("+447700900030")))).ErrorCode);
        var rerun = Start(settings, client, new FakeTimeProvider(then.AddDays(3)));
        var skipped = Assert.Single(Results(Run(rerun, To("+447700900030"))));
        Assert.Equal(SendStatus.Skipped, skipped.Status);
        // Piped to Add-MMSuppression it is the stop of three days ago, older than a resume since.
        Assert.Equal(then, skipped.SentAt.ToUniversalTime());
        Assert.Equal(then, SuppressionPolicy.Learned(skipped)!.Time);
    }

    private static List<CampaignEvent> RunPeople(Campaign campaign, params (string? Phone, string? UserId, MessageContent Content)[] rows)
    {
        var events = campaign.Pending().ToList();
        foreach (var (phone, userId, content) in rows)
            events.AddRange(campaign.Add(phone, userId, content.TemplateName, () => content, (_, _) => true));
        events.AddRange(campaign.Complete());
        return events;
    }

    [Fact]
    public void A_person_known_only_by_a_BSUID_is_sent_to_as_recipient_never_as_to()
    {
        var emulator = Emulator();
        var client = Client(emulator);
        var userId = emulator.UserIdOf("447911123456");
        var result = Assert.Single(Results(RunPeople(Start(Settings(client), client), (null, userId, Content()))));
        Assert.Equal((SendStatus.Accepted, "", userId), (result.Status, result.To, result.UserId));
        var body = Assert.Single(emulator.Requests, r => r.Path.EndsWith("marketing_messages", StringComparison.Ordinal)).Body;
        Assert.Contains($"\"recipient\":\"{userId}\"", body);
        Assert.DoesNotContain("\"to\"", body);
        Assert.Equal(1, emulator.AcceptedCount("447911123456"));
    }

    [Fact]
    public void Accepted_once_is_accepted_for_the_person_whichever_key_the_next_run_uses()
    {
        var emulator = Emulator();
        var client = Client(emulator);
        var settings = Settings(client);
        settings.JournalPath = PathOf("people.journal");
        using (var first = Campaign.Start(settings, client, CancellationToken.None))
            Assert.Equal(SendStatus.Accepted, Assert.Single(Results(RunPeople(first, ("+447911123456", null, Content())))).Status);
        // The answer named the person's BSUID; next week's CSV has only that.
        var rerun = Results(RunPeople(Start(settings, client), (null, emulator.UserIdOf("447911123456"), Content())));
        Assert.Equal((SendStatus.Skipped, "AlreadySent"), (Assert.Single(rerun).Status, rerun[0].ErrorCode));
        Assert.Equal(1, emulator.AcceptedCount("447911123456"));
    }

    [Fact]
    public void A_person_twice_in_one_input_under_two_keys_is_sent_once()
    {
        var emulator = Emulator();
        var client = Client(emulator);
        var userId = emulator.UserIdOf("447911123456");
        var results = Results(RunPeople(Start(Settings(client), client),
            ("+447911123456", userId, Content()), (null, userId, Content()), ("+44 7911 123456", null, Content())));
        Assert.Equal(1, results.Count(r => r.Status == SendStatus.Accepted));
        Assert.Equal(2, results.Count(r => r.ErrorCode == "Duplicate"));
        Assert.Equal(1, emulator.AcceptedCount("447911123456"));
    }

    /// <summary>Stops that came by wa_id in its old form are the same people as the audience's numbers.</summary>
    [Fact]
    public void A_stop_by_the_wa_id_form_of_a_Brazilian_Mexican_or_Argentine_number_holds_back_the_audience_form()
    {
        var emulator = Emulator();
        var client = Client(emulator);
        var list = SuppressionList.Load(PathOf("wa-forms.jsonl"));
        list.Add(new[] { "551187654321", "5215512345678", "5491123456789" }
            .Select(waId => new SuppressionEntry(SuppressionAction.Add, new Dialog360.MM.Core.People.Person(waId, null), "stop", "webhook", DateTimeOffset.UtcNow)));
        var settings = Settings(client);
        settings.SuppressionPath = list.Path;
        var results = Results(Run(Start(settings, client), To("+55 11 98765 4321", "+52 55 1234 5678", "+54 11 2345 6789")));
        Assert.All(results, r => Assert.Equal(SendStatus.Suppressed, r.Status));
        Assert.Equal(0, emulator.Accepted);
    }

    [Fact]
    public void A_template_that_cannot_go_to_a_BSUID_fails_with_131062_and_its_hint_and_is_not_retried()
    {
        var emulator = Emulator();
        var client = Client(emulator);
        var userId = emulator.UserIdOf("447911123456");
        emulator.Options.FailRecipients[userId] = 131062;
        var result = Assert.Single(Results(RunPeople(Start(Settings(client), client), (null, userId, Content()))));
        Assert.Equal(("131062", 1), (result.ErrorCode, result.Attempts));
        Assert.Contains("phone number", result.ErrorHint);
    }

    /// <summary>The system clock, but every timer it is asked for fails: the pacing's wait throws in the dispatcher.</summary>
    private sealed class TimerlessTimeProvider : TimeProvider
    {
        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
            throw new InvalidOperationException("no timers on this clock");
    }
}
